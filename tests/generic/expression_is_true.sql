{% test expression_is_true(model, expression, column_name=none) %}
    {{ return(adapter.dispatch('test_expression_is_true', 'customer360')(model, expression, column_name)) }}
{% endtest %}
