{#
    Every version of every segment membership, read from
    snp_segment_memberships: when a customer entered a segment, and a
    deletion version from when the customer left it (or left the warehouse).
    valid_from / valid_to are the recording times of the segment state (UTC):
    a membership holds at T when valid_from <= T < valid_to (or valid_to is
    null) and the version is not a deletion.

    A daily build rewrites only the versions the snapshot added or closed
    since the mart was last built (macros/history/snapshot_rows_to_build.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='membership_version_id',
        on_schema_change='fail',
    )
}}

with

membership_snapshots as (

    select *
    from
        {{ customer360.snapshot_rows_to_build(
            ref('snp_segment_memberships'), 'membership_version_id', is_incremental()
        ) }} as versions

),

final as (

    select
        dbt_scd_id as membership_version_id,
        customer_id,
        segment_id,
        segment_type,
        segment_name,
        coalesce(dbt_is_deleted = 'True', false) as is_deleted,
        dbt_valid_to is null as is_current,
        dbt_valid_from as valid_from,
        dbt_valid_to as valid_to
    from membership_snapshots

)

select * from final
