{% test unique_combination_of_columns(model, combination_of_columns) %}
    {{ return(adapter.dispatch('test_unique_combination_of_columns', 'customer360')(model, combination_of_columns)) }}
{% endtest %}
