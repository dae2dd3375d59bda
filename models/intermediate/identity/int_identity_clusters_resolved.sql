{#
    Connected components of the identity graph by label propagation with
    pointer jumping: every pass gives each record the smallest label among
    itself and its neighbours, then the label of that label. Labels travel
    along a chain in doubling steps, so a bounded number of passes (the var
    identity_label_passes) settles chains far longer than real ones, without
    a recursive query. is_label_settled says the last pass changed nothing;
    a test requires it for every record and equal labels across every link.
#}
{%- set passes = var('identity_label_passes') | int -%}
{%- if passes < 2 -%}
    {{ exceptions.raise_compiler_error("var identity_label_passes must be at least 2, got " ~ passes) }}
{%- endif -%}
{#
    Most clusters are small and their labels agree after a few passes; from
    then on no pass can change them. Passes after the first full_passes run
    only on the clusters whose labels still disagree somewhere: the same
    labels as running every pass over the whole graph, with less work.
#}
{%- set full_passes = [2, passes - 1] | min -%}
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

record_link_versions as (

    select * from {{ record_link_versions() }} as versions

),

{# numbers in key order: joins on integers are cheaper, and the smallest number is the smallest key #}
numbered_records as (

    select
        record_key,
        row_number() over (order by record_key) as node_number
    from records

),

numbered_links as (

    select
        record_nodes.node_number,
        linked_nodes.node_number as linked_node_number
    from links
    inner join numbered_records as record_nodes
        on links.record_key = record_nodes.record_key
    inner join numbered_records as linked_nodes
        on links.linked_record_key = linked_nodes.record_key

),

edges as (

    select
        node_number,
        linked_node_number as neighbour_number
    from numbered_links
    union
    select
        linked_node_number as node_number,
        node_number as neighbour_number
    from numbered_links

),

{# records without any link are their own cluster and need no passes #}
labels_0 as (

    select distinct
        node_number,
        node_number as node_label
    from edges

),

{% for pass in range(1, passes + 1) %}
    {%- set pass_edges = 'edges' if pass <= full_passes else 'unsettled_edges' %}
    {%- set previous_labels = 'labels_' ~ (pass - 1) if pass != full_passes + 1
        else 'unsettled_labels_' ~ full_passes %}
    propagated_{{ pass }} as (

        select
            node_number,
            min(node_label) as node_label
        from (
            select
                node_number,
                node_label
            from {{ previous_labels }}
            union all
            select
                {{ pass_edges }}.node_number,
                neighbour_labels.node_label
            from {{ pass_edges }}
            inner join {{ previous_labels }} as neighbour_labels
                on {{ pass_edges }}.neighbour_number = neighbour_labels.node_number
        ) as candidates
        group by node_number

    ),

    labels_{{ pass }} as (

        select
            propagated.node_number,
            case
                when label_of_label.node_label < propagated.node_label then label_of_label.node_label
                else propagated.node_label
            end as node_label
        from propagated_{{ pass }} as propagated
        left outer join propagated_{{ pass }} as label_of_label
            on propagated.node_label = label_of_label.node_number

    ),
    {%- if pass == full_passes %}

        {#
            A cluster whose labels all agree keeps them: its label is its own
            smallest node, which labels itself. Every label of a cluster that
            still disagrees sits on some link whose two ends differ, so those
            labels find all of its records.
        #}
        unsettled_cluster_labels as (

            select distinct node_labels.node_label
            from edges
            inner join labels_{{ pass }} as node_labels
                on edges.node_number = node_labels.node_number
            inner join labels_{{ pass }} as neighbour_labels
                on edges.neighbour_number = neighbour_labels.node_number
            where node_labels.node_label <> neighbour_labels.node_label

        ),

        unsettled_labels_{{ pass }} as (

            select labels_{{ pass }}.*
            from labels_{{ pass }}
            inner join unsettled_cluster_labels
                on labels_{{ pass }}.node_label = unsettled_cluster_labels.node_label

        ),

        unsettled_edges as (

            select edges.*
            from edges
            inner join unsettled_labels_{{ pass }} as unsettled_labels
                on edges.node_number = unsettled_labels.node_number

        ),
    {%- endif %}

{% endfor %}
{# clusters settled after the full passes are absent from the later ones: their labels stay #}
settled_labels as (

    select
        full_pass_labels.node_number,
        coalesce(settled.node_label, full_pass_labels.node_label) as node_label,
        coalesce(settled.node_label = previous.node_label, true) as is_label_settled
    from labels_{{ full_passes }} as full_pass_labels
    left outer join labels_{{ passes }} as settled
        on full_pass_labels.node_number = settled.node_number
    left outer join labels_{{ passes - 1 }} as previous
        on full_pass_labels.node_number = previous.node_number

),

final as (

    select
        numbered_records.record_key,
        coalesce(label_records.record_key, numbered_records.record_key) as cluster_key,
        coalesce(settled_labels.is_label_settled, true) as is_label_settled,
        record_link_versions.links_fingerprint,
        record_link_versions.label_passes,
        {{ run_started_at_second() }} as built_at,
        '{{ invocation_id }}' as built_in_invocation_id
    from numbered_records
    left outer join settled_labels
        on numbered_records.node_number = settled_labels.node_number
    left outer join numbered_records as label_records
        on settled_labels.node_label = label_records.node_number
    inner join record_link_versions
        on numbered_records.record_key = record_link_versions.record_key

)

select * from final
