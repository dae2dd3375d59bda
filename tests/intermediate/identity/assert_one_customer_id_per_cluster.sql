{#
    Stable ids and current clusters agree: the records of one cluster share
    one customer_id, and one customer_id spans one cluster.
#}

with

clusters as (

    select * from {{ ref('int_identity_clusters_resolved') }}

),

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

),

current_assignments as (

    select
        clusters.cluster_key,
        assignments.customer_id
    from clusters
    inner join assignments
        on clusters.record_key = assignments.record_key

),

ids_per_cluster as (

    select
        'cluster with several customer ids' as problem,
        cluster_key as offending_key
    from current_assignments
    group by cluster_key
    having count(distinct customer_id) > 1

),

clusters_per_id as (

    select
        'customer id spanning several clusters' as problem,
        customer_id as offending_key
    from current_assignments
    group by customer_id
    having count(distinct cluster_key) > 1

)

select * from ids_per_cluster
union all
select * from clusters_per_id
