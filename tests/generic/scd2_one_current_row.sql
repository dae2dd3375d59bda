{% test scd2_one_current_row(
    model,
    unique_key,
    valid_from='dbt_valid_from',
    valid_to='dbt_valid_to',
    changed_keys_only=false
) %}
    {{ return(adapter.dispatch('test_scd2_one_current_row', 'customer360')(
        model, unique_key, valid_from, valid_to, changed_keys_only
    )) }}
{% endtest %}
