{#
    Nulls are not_null's business. Control characters count as blank too:
    a value of only tabs or newlines carries no more information than ''.
#}
{% macro default__test_not_blank(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and {{ customer360.clean_text('cast(' ~ column_name ~ ' as ' ~ (dbt.type_string() | lower) ~ ')') }} is null

{% endmacro %}
