{% test not_null_columns(model, column_names) %}
    {{ return(adapter.dispatch('test_not_null_columns', 'customer360')(model, column_names)) }}
{% endtest %}
