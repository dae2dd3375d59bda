{% macro row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'customer360')(columns)) }}
{%- endmacro %}

{#
    Each value is written as "<length>:<text>" and a null as "~", so the
    encoding can be read back unambiguously: ('a|b', 'c') and ('a', 'b|c')
    differ, as do (null, 'a') and ('a', null), and null differs from ''.
#}
{% macro default__row_fingerprint(columns) -%}
    {%- set column_list = [columns] if columns is string else columns -%}
    {%- if column_list | length == 0 -%}
        {{ exceptions.raise_compiler_error("row_fingerprint: columns must name at least one column") }}
    {%- endif -%}
    md5(
        {%- for column in column_list %}
        {%- set as_text = 'cast(' ~ column ~ ' as ' ~ (dbt.type_string() | lower) ~ ')' %}
        coalesce(cast(length({{ as_text }}) as {{ dbt.type_string() | lower }}) || ':' || {{ as_text }}, '~')
        {%- if not loop.last %} || '|' ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
