{# Nulls pass: not_null says whether they are allowed. #}
{% macro default__test_accepted_range(model, column_name, min_value, max_value, inclusive) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error("accepted_range: give min_value, max_value or both") }}
    {%- endif -%}
    {%- set lower_operator = '>=' if inclusive else '>' -%}
    {%- set upper_operator = '<=' if inclusive else '<' %}

select *
from {{ model }}
where not (
    1 = 1
    {%- if min_value is not none %}
    and {{ column_name }} {{ lower_operator }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
    and {{ column_name }} {{ upper_operator }} {{ max_value }}
    {%- endif %}
)

{% endmacro %}
