{#
    Stable ids and current clusters agree: the records of one cluster share
    one customer_id, and one customer_id spans one cluster.

    In the daily pipeline it reads only the clusters and ids that rows
    written since the last completed day touch (C360_BUILD_CHECKED_THROUGH,
    as in rows_to_check_for_repeats). Both models change only by deleting
    rows and by writing rows stamped with the run (built_at, assigned_at).
    Deleting a row cannot give a cluster a second id or an id a second
    cluster, so a problem made since the check includes a record whose
    cluster row or assignment was written since; its cluster and its id are
    then read whole. Run by hand, every cluster and id is read.
#}
{%- set checked_through = customer360.utc_time_from_env('C360_BUILD_CHECKED_THROUGH') if execute else none %}

with

clusters as (

    select * from {{ ref('int_identity_clusters_resolved') }}

),

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

),

{# in the daily pipeline, computed where it is used, so that each use reads only what it checks #}
current_assignments as {{ not_materialized() if checked_through is not none }} (

    select
        clusters.record_key,
        clusters.cluster_key,
        assignments.customer_id
    from clusters
    inner join assignments
        on clusters.record_key = assignments.record_key

),

{% if checked_through is not none %}
    records_written_since_check as (

        select record_key
        from clusters
        where built_at >= {{ checked_through }}
        union
        select record_key
        from assignments
        where assigned_at >= {{ checked_through }}

    ),

    touched as (

        select
            cluster_key,
            customer_id
        from current_assignments
        where record_key in (select records_written_since_check.record_key from records_written_since_check)

    ),
{% endif %}

ids_per_cluster as (

    select
        'cluster with several customer ids' as problem,
        cluster_key as offending_key
    from current_assignments
    {% if checked_through is not none -%}
        where cluster_key in (select touched.cluster_key from touched)
    {%- endif %}
    group by cluster_key
    having count(distinct customer_id) > 1

),

clusters_per_id as (

    select
        'customer id spanning several clusters' as problem,
        customer_id as offending_key
    from current_assignments
    {% if checked_through is not none -%}
        where customer_id in (select touched.customer_id from touched)
    {%- endif %}
    group by customer_id
    having count(distinct cluster_key) > 1

)

select * from ids_per_cluster
union all
select * from clusters_per_id
