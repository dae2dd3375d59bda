{% macro row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'customer360')(columns)) }}
{%- endmacro %}

{#
    The values are written as one compact JSON array of strings, which reads
    back unambiguously: ('a|b', 'c') and ('a', 'b|c') differ, as do
    (null, 'a') and ('a', null), and null differs from ''. Each engine's JSON
    writer is one vectorised call, far cheaper than concatenating per value.
#}
{% macro fingerprint_column_list(columns) -%}
    {%- set column_list = [columns] if columns is string else columns -%}
    {%- if column_list | length == 0 -%}
        {{ exceptions.raise_compiler_error("row_fingerprint: columns must name at least one column") }}
    {%- endif -%}
    {%- set as_text = [] -%}
    {%- for column in column_list -%}
        {%- do as_text.append('cast(' ~ column ~ ' as ' ~ (dbt.type_string() | lower) ~ ')') -%}
    {%- endfor -%}
    {{ return(as_text | join(', ')) }}
{%- endmacro %}

{# Spark: to_json of an array of strings writes ["a",null] without spaces. #}
{% macro default__row_fingerprint(columns) -%}
    md5(to_json(array({{ customer360.fingerprint_column_list(columns) }})))
{%- endmacro %}

{% macro duckdb__row_fingerprint(columns) -%}
    md5(to_json([{{ customer360.fingerprint_column_list(columns) }}]))
{%- endmacro %}

{# array_to_json writes no spaces (json_build_array would write '["a", null]'). #}
{% macro postgres__row_fingerprint(columns) -%}
    md5(array_to_json(array[{{ customer360.fingerprint_column_list(columns) }}]::text[])::text)
{%- endmacro %}
