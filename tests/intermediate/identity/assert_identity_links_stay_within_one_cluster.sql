{#
    Converged connected components: every link joins two records of the same
    cluster. Any row returned is a link whose ends the label propagation did
    not bring together (raise var identity_label_passes).
#}

with

links as (

    select * from {{ ref('int_identity_links_unioned') }}

),

clusters as (

    select * from {{ ref('int_identity_clusters_resolved') }}

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
