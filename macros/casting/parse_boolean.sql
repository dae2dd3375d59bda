{% macro parse_boolean(expression) -%}
    {{ return(adapter.dispatch('parse_boolean', 'customer360')(expression)) }}
{%- endmacro %}

{# A simple case evaluates the cleaned value once. #}
{% macro default__parse_boolean(expression) -%}
    case lower({{ customer360.clean_text(expression) }})
        when 'true' then true
        when 't' then true
        when 'yes' then true
        when 'y' then true
        when '1' then true
        when 'false' then false
        when 'f' then false
        when 'no' then false
        when 'n' then false
        when '0' then false
    end
{%- endmacro %}
