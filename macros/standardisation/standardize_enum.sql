{% macro standardize_enum(expression) -%}
    {{ return(adapter.dispatch('standardize_enum', 'customer360')(expression)) }}
{%- endmacro %}

{# clean_text already turns blank input into null and collapses inner spaces. #}
{% macro default__standardize_enum(expression) -%}
    {{ customer360.regex_replace('lower(' ~ customer360.clean_text(expression) ~ ')', "'[ -]+'", "'_'") }}
{%- endmacro %}
