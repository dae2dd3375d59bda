{#
    Health of the identity graph: how many customers have how many source
    records. Size 1 are records left unmatched; a long tail of very large
    clusters would point at an over-merge a guard missed.
#}

with

clusters as (

    select * from {{ ref('int_identity_clusters_resolved') }}

),

cluster_sizes as (

    select
        cluster_key,
        count(*) as cluster_size
    from clusters
    group by cluster_key

),

final as (

    select
        cluster_size,
        count(*) as cluster_count,
        sum(cluster_size) as record_count,
        cluster_size = 1 as is_unmatched
    from cluster_sizes
    group by cluster_size

)

select * from final
