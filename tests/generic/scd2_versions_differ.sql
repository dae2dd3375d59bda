{% test scd2_versions_differ(
    model,
    unique_key,
    valid_from='dbt_valid_from',
    valid_to='dbt_valid_to',
    exclude_columns=['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'],
    changed_keys_only=false
) %}
    {{ return(adapter.dispatch('test_scd2_versions_differ', 'customer360')(
        model, unique_key, valid_from, valid_to, exclude_columns, changed_keys_only
    )) }}
{% endtest %}
