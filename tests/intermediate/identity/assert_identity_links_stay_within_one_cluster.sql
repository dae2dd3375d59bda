{#
    Converged connected components: every link joins two records of the same
    cluster. Any row returned is a link whose ends the label propagation did
    not bring together (raise var identity_label_passes).

    In the daily pipeline it reads only the links with an end whose cluster
    row was written since the last completed day (C360_BUILD_CHECKED_THROUGH,
    as in rows_to_check_for_repeats). The clusters change only by deleting
    whole clusters and writing rows stamped with the run (built_at), and each
    row stores the fingerprint of its record's links, which the next build
    compares: a record whose links change has its cluster written again. So a
    link whose two ends both have older rows was there, between the same two
    cluster rows, when the later of those rows was written, and the first
    check after that read it. Run by hand, every link is read.
#}
{%- set checked_through = customer360.utc_time_from_env('C360_BUILD_CHECKED_THROUGH') if execute else none %}

with

all_links as (

    select * from {{ ref('int_identity_links_unioned') }}

),

clusters as (

    select * from {{ ref('int_identity_clusters_resolved') }}

),

{% if checked_through is not none %}
    records_written_since_check as (

        select record_key
        from clusters
        where built_at >= {{ checked_through }}

    ),
{% endif %}

links as (

    select *
    from all_links
    {% if checked_through is not none -%}
        where
            record_key in (select records_written_since_check.record_key from records_written_since_check)
            or linked_record_key in (select records_written_since_check.record_key from records_written_since_check)
    {%- endif %}

)

select
    links.record_key,
    links.linked_record_key,
    record_clusters.cluster_key,
    linked_clusters.cluster_key as linked_cluster_key
from links
inner join clusters as record_clusters
    on links.record_key = record_clusters.record_key
inner join clusters as linked_clusters
    on links.linked_record_key = linked_clusters.record_key
where record_clusters.cluster_key <> linked_clusters.cluster_key
