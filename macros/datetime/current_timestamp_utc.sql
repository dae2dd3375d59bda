{% macro current_timestamp_utc() -%}
    {{ return(adapter.dispatch('current_timestamp_utc', 'customer360')()) }}
{%- endmacro %}

{# "at time zone 'UTC'" turns the zoned now into UTC wall-clock time (PostgreSQL, DuckDB). #}
{% macro default__current_timestamp_utc() -%}
    cast(current_timestamp at time zone 'UTC' as timestamp)
{%- endmacro %}

{# localtimestamp() is the session's wall clock without zone; convert it to UTC. #}
{% macro spark__current_timestamp_utc() -%}
    convert_timezone(current_timezone(), 'UTC', localtimestamp())
{%- endmacro %}


{#
    Measured from when the row was received (its _loaded_at), not from the
    build: a row is judged once, the same way on a daily incremental build and
    on a rebuild months later.
#}
{% macro future_cutoff(received_at) -%}
    {{ return(adapter.dispatch('future_cutoff', 'customer360')(received_at)) }}
{%- endmacro %}

{% macro default__future_cutoff(received_at) -%}
    {%- set tolerance_hours = var('future_timestamp_tolerance_hours') -%}
    {{ customer360.timestamp_add_minutes(received_at, '(' ~ tolerance_hours ~ ') * 60') }}
{%- endmacro %}


{% macro timestamp_add_minutes(timestamp, minutes) -%}
    {{ return(adapter.dispatch('timestamp_add_minutes', 'customer360')(timestamp, minutes)) }}
{%- endmacro %}

{# Interval arithmetic on a timestamp without time zone never consults the session zone. #}
{% macro default__timestamp_add_minutes(timestamp, minutes) -%}
    ({{ timestamp }} + ({{ minutes }}) * interval '1 minute')
{%- endmacro %}

{% macro spark__timestamp_add_minutes(timestamp, minutes) -%}
    timestampadd(minute, {{ minutes }}, {{ timestamp }})
{%- endmacro %}
