{% test scd2_current_matches_source(
    model,
    source_model,
    current_filter="dbt_valid_to is null and dbt_is_deleted = 'False'"
) %}
    {{ return(adapter.dispatch('test_scd2_current_matches_source', 'customer360')(model, source_model, current_filter)) }}
{% endtest %}
