{#
    Display values that let a person recognise their own contact details
    without exposing them. Portable SQL only (substr, length, repeat, like).
#}
{% macro mask_email(expression) -%}
    {{ return(adapter.dispatch('mask_email', 'customer360')(expression)) }}
{%- endmacro %}

{# The domain is the part after the last "@", as email_domain splits it. #}
{% macro default__mask_email(expression) -%}
    case
        when {{ expression }} is null then null
        when {{ expression }} not like '%@%' then '***'
        else substr({{ expression }}, 1, case when {{ expression }} like '@%' then 0 else 1 end)
            || '***@'
            || coalesce({{ customer360.email_domain(expression) }}, '')
    end
{%- endmacro %}


{% macro mask_phone(expression) -%}
    {{ return(adapter.dispatch('mask_phone', 'customer360')(expression)) }}
{%- endmacro %}

{#
    E.164 "+" and two digits, then the last two digits; every character in
    between is masked, so nothing but the length leaks from the middle.
#}
{% macro default__mask_phone(expression) -%}
    case
        when {{ expression }} is null then null
        when length({{ expression }}) < 6 then '***'
        else substr({{ expression }}, 1, 3)
            || repeat('*', length({{ expression }}) - 5)
            || substr({{ expression }}, length({{ expression }}) - 1)
    end
{%- endmacro %}
