{% test unique_combination_of_columns(model, combination_of_columns, written_at_column=none, validity_columns=none) %}
    {{ return(adapter.dispatch('test_unique_combination_of_columns', 'customer360')(
        model, combination_of_columns, written_at_column, validity_columns)) }}
{% endtest %}
