{#
    Every delivered row must be accounted for exactly once: as a usable version
    (staged_model carries version_count per key), as a quarantined row, or as
    a removed exact duplicate. The failing row shows all four figures and the
    gap, which says at a glance which side lost or invented rows.
#}
{% macro default__test_rows_conserved(model, staged_model, quarantine_model, base_model) %}

with delivered as (

    select count(*) as delivered_row_count
    from {{ model }}

),

staged as (

    select coalesce(sum(version_count), 0) as staged_version_count
    from {{ staged_model }}

),

quarantined as (

    select count(*) as quarantined_row_count
    from {{ quarantine_model }}

),

duplicates as (

    select coalesce(sum(case when is_exact_duplicate then 1 else 0 end), 0) as exact_duplicate_row_count
    from {{ base_model }}

),

final as (

    select
        delivered.delivered_row_count,
        staged.staged_version_count,
        quarantined.quarantined_row_count,
        duplicates.exact_duplicate_row_count,
        delivered.delivered_row_count
        - staged.staged_version_count
        - quarantined.quarantined_row_count
        - duplicates.exact_duplicate_row_count as unaccounted_row_count
    from delivered
    cross join staged
    cross join quarantined
    cross join duplicates

)

select * from final
where unaccounted_row_count <> 0

{% endmacro %}
