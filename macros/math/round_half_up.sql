{#
    DuckDB divides decimals in double precision, PostgreSQL in exact numeric:
    147.23 / 2 is 73.6149999... in one and 73.615 in the other, so a plain
    round() gives 73.61 on DuckDB and 73.62 on PostgreSQL. A nudge far below
    the published precision and far above double rounding error makes a tie
    round up on every engine, and moves no other value.
#}
{% macro round_half_up(expression, scale) -%}
    {{ return(adapter.dispatch('round_half_up', 'customer360')(expression, scale)) }}
{%- endmacro %}

{% macro default__round_half_up(expression, scale) -%}
    round(({{ expression }}) + 1e-{{ scale + 5 }}, {{ scale }})
{%- endmacro %}

{# PostgreSQL has round(numeric, int) only: a double precision input is cast first. #}
{% macro postgres__round_half_up(expression, scale) -%}
    round(cast({{ expression }} as numeric) + 1e-{{ scale + 5 }}, {{ scale }})
{%- endmacro %}
