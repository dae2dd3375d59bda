{#
    Connected components of the identity graph by label propagation with
    pointer jumping (macros/identity/connected_components.sql), over a bounded
    number of passes (the var identity_label_passes), without a recursive
    query. is_label_settled says the last pass changed nothing; a test
    requires it for every record and equal labels across every link.
#}
{#
    Built by cluster: a daily build recomputes the clusters of the records
    whose links changed and keeps every other cluster, which cannot have
    changed (macros/identity/identity_graph_incremental.sql). Each row stores
    its record's links_fingerprint and the label passes it was computed with,
    and when and in which dbt invocation its cluster was computed: the stable
    ids read only the clusters computed since they last changed.
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_clusters_with_changed_links() }}",
    )
}}

with

all_records as (

    select * from {{ ref('int_identity_records_unioned') }}

),

{# in a daily build, the records of the removed clusters and new records: their links stay among them #}
records as (

    select *
    from all_records
    where {{ has_no_row_built(['record_key'], 'all_records', is_incremental()) }}

),

links as (

    select * from {{ ref('int_identity_links_unioned') }}

),

{# the version record_link_versions() gives, for the records built here only #}
links_fingerprints as (

    select *
    from {{ record_links_fingerprints(
        'record_key in (select records.record_key from records)' if is_incremental() else 'true'
    ) }} as fingerprints

),

components as (

    {{ connected_components('records', 'links', var('identity_label_passes')) }}

),

final as (

    select
        components.record_key,
        components.cluster_key,
        components.is_label_settled,
        coalesce(links_fingerprints.links_fingerprint, {{ record_without_links_fingerprint() }}) as links_fingerprint,
        {{ var('identity_label_passes') | int }} as label_passes,
        {{ run_started_at_second() }} as built_at,
        '{{ invocation_id }}' as built_in_invocation_id
    from components
    left outer join links_fingerprints
        on components.record_key = links_fingerprints.record_key

)

select * from final
