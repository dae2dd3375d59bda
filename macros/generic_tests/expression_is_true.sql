{#
    With column_name the expression is appended to it ("column_name >= 0"),
    which lets the test sit under a column. A null result counts as a pass, as
    in a check constraint.
#}
{% macro default__test_expression_is_true(model, expression, column_name) %}

select *
from {{ model }}
where not ({{ column_name ~ ' ' if column_name is not none else '' }}{{ expression }})

{% endmacro %}
