{#
    Regular expressions differ in spelling between engines (operators, the flag
    for "replace every match", what a missing capture returns). Patterns are SQL
    expressions, usually quoted literals such as "'^[0-9]+$'". Write patterns
    without backslashes ([0-9], [.]) so that the same literal works everywhere:
    Spark string literals treat a backslash as an escape character.
#}

{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'customer360')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    regexp_like({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__regex_matches(expression, pattern) -%}
    ({{ expression }} ~ {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ pattern }})
{%- endmacro %}


{% macro regex_replace(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace', 'customer360')(expression, pattern, replacement)) }}
{%- endmacro %}

{# Spark, Snowflake and BigQuery replace every match by default. #}
{% macro default__regex_replace(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{# Without the 'g' flag only the first match would be replaced. #}
{% macro duckdb__regex_replace(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro postgres__regex_replace(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}


{% macro regex_extract(expression, pattern, group_number=1) -%}
    {{ return(adapter.dispatch('regex_extract', 'customer360')(expression, pattern, group_number)) }}
{%- endmacro %}

{# regexp_extract answers '' when nothing matches; callers expect null. #}
{% macro default__regex_extract(expression, pattern, group_number) -%}
    nullif(regexp_extract({{ expression }}, {{ pattern }}, {{ group_number }}), '')
{%- endmacro %}

{% macro postgres__regex_extract(expression, pattern, group_number) -%}
    (regexp_match({{ expression }}, {{ pattern }}))[{{ group_number }}]
{%- endmacro %}
