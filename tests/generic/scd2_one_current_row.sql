{% test scd2_one_current_row(model, unique_key, valid_to='dbt_valid_to') %}
    {{ return(adapter.dispatch('test_scd2_one_current_row', 'customer360')(model, unique_key, valid_to)) }}
{% endtest %}
