{% test not_blank(model, column_name) %}
    {{ return(adapter.dispatch('test_not_blank', 'customer360')(model, column_name)) }}
{% endtest %}
