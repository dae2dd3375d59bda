{#
    Connected components by label propagation with hooking and pointer
    jumping. A label names a group of records: it starts as each record's own
    number. Every pass, each group hooks onto the smallest label found next to
    any of its records, then onto what that label hooks onto (one pointer
    jump), and all its records follow. Groups merge whole, so a pass joins
    neighbouring groups rather than neighbouring records, and the number of
    groups along a chain shrinks by a constant factor per pass: passes grow
    with the logarithm of a cluster's length, not with its length (a chain of
    64 records in shuffled key order is one cluster after 5 passes, one of
    1,024 after 8; tests/python/test_identity_macros.py). A pass is three join
    rounds: one over the edges, two over the labels.
#}

{% macro connected_components(records, links, passes) %}
    {#- A select of record_key, cluster_key (the smallest record key of the
        component) and is_label_settled (the last pass changed nothing) for
        every record of `records` (a relation or CTE with record_key), from the
        links of `links` (record_key, linked_record_key) between them; links
        with an end outside `records` are left out. `passes` is at least 2. -#}
    {%- set passes = passes | int -%}
    {%- if passes < 2 -%}
        {{ exceptions.raise_compiler_error("connected_components needs at least 2 label passes, got " ~ passes) }}
    {%- endif -%}
    {#
        Most clusters are small and their labels agree after a few passes; from
        then on no pass can change them. Passes after the first full_passes run
        only on the clusters whose labels still disagree somewhere: the same
        labels as running every pass over the whole graph, with less work.
    #}
    {%- set full_passes = [2, passes - 1] | min %}
with

{# numbers in key order: joins on integers are cheaper, and the smallest number is the smallest key #}
numbered_records as (

    select
        record_key,
        row_number() over (order by record_key) as node_number
    from {{ records }}

),

numbered_links as (

    select
        record_nodes.node_number,
        linked_nodes.node_number as linked_node_number
    from {{ links }} as links
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
    {#- each label (a group of records) hooks onto the smallest label next to any of its records -#}
    group_hooks_{{ pass }} as (
    {%- if pass == 1 %}

        {#- every record is its own group, labelled by its number: no label to look up #}
        select
            node_number as node_label,
            min(
                case when neighbour_number < node_number then neighbour_number else node_number end
            ) as hooked_label
        from edges
        group by node_number
    {%- else %}

        select
            node_labels.node_label,
            min(
                case
                    when neighbour_labels.node_label < node_labels.node_label then neighbour_labels.node_label
                    else node_labels.node_label
                end
            ) as hooked_label
        from {{ pass_edges }}
        inner join {{ previous_labels }} as node_labels
            on {{ pass_edges }}.node_number = node_labels.node_number
        inner join {{ previous_labels }} as neighbour_labels
            on {{ pass_edges }}.neighbour_number = neighbour_labels.node_number
        group by node_labels.node_label
    {%- endif %}

    ),

    {#- then onto what that label hooks onto: one pointer jump -#}
    jumped_hooks_{{ pass }} as (

        select
            hooks.node_label,
            case
                when next_hooks.hooked_label < hooks.hooked_label then next_hooks.hooked_label
                else hooks.hooked_label
            end as hooked_label
        from group_hooks_{{ pass }} as hooks
        left outer join group_hooks_{{ pass }} as next_hooks
            on hooks.hooked_label = next_hooks.node_label

    ),

    {#- every record of a group follows its label -#}
    labels_{{ pass }} as (

        select
            previous_labels.node_number,
            coalesce(jumped_hooks.hooked_label, previous_labels.node_label) as node_label
        from {{ previous_labels }} as previous_labels
        left outer join jumped_hooks_{{ pass }} as jumped_hooks
            on previous_labels.node_label = jumped_hooks.node_label

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

labelled_records as (

    select
        numbered_records.record_key,
        coalesce(label_records.record_key, numbered_records.record_key) as cluster_key,
        coalesce(settled_labels.is_label_settled, true) as is_label_settled
    from numbered_records
    left outer join settled_labels
        on numbered_records.node_number = settled_labels.node_number
    left outer join numbered_records as label_records
        on settled_labels.node_label = label_records.node_number

)

select * from labelled_records
{% endmacro %}
