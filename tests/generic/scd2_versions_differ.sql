{% test scd2_versions_differ(
    model,
    unique_key,
    valid_from='dbt_valid_from',
    exclude_columns=['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']
) %}
    {{ return(adapter.dispatch('test_scd2_versions_differ', 'customer360')(model, unique_key, valid_from, exclude_columns)) }}
{% endtest %}
