{% test unique_combination_of_columns(model, combination_of_columns, written_at_column=none) %}
    {{ return(adapter.dispatch('test_unique_combination_of_columns', 'customer360')(
        model, combination_of_columns, written_at_column)) }}
{% endtest %}
