{{
    config(
        materialized='incremental',
        full_refresh=false,
        on_schema_change='fail',
        meta={'compress_text': true},
    )
}}
{#
    Append-only log of every merge and split of customer ids, with when and
    the identity links that now join (merge) the records. Never rebuilt, like
    the assignments it reads.
#}

with

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

),

links as (

    select * from {{ ref('int_identity_links_unioned') }}

),

changed as (

    select
        record_key,
        customer_id,
        previous_customer_id,
        assignment_reason,
        assigned_at
    from assignments
    where assignment_reason in ('merged', 'split')
    {% if is_incremental() %}
        {# an empty log has no max: start from the beginning #}
        and assigned_at > coalesce(
            (select max(changed_at) from {{ this }}),
            cast('1900-01-01 00:00:00' as timestamp)
        )
    {% endif %}

),

undirected_links as (

    select
        record_key,
        link_kind,
        link_rule
    from links
    union all
    select
        linked_record_key as record_key,
        link_kind,
        link_rule
    from links

),

merge_reasons as (

    select
        changed.previous_customer_id,
        changed.customer_id,
        min(undirected_links.link_kind || ':' || undirected_links.link_rule) as first_link_rule
    from changed
    inner join undirected_links
        on changed.record_key = undirected_links.record_key
    where changed.assignment_reason = 'merged'
    group by changed.previous_customer_id, changed.customer_id

),

final as (

    select
        changed.customer_id,
        changed.previous_customer_id,
        changed.assignment_reason as change_type,
        case
            when changed.assignment_reason = 'merged'
                then 'joined by a link (' || coalesce(merge_reasons.first_link_rule, 'unknown') || ')'
            else 'no longer linked to most records of ' || changed.previous_customer_id
        end as change_reason,
        count(*) as records_moved,
        changed.assigned_at as changed_at
    from changed
    left outer join merge_reasons
        on
            changed.previous_customer_id = merge_reasons.previous_customer_id
            and changed.customer_id = merge_reasons.customer_id
    group by
        changed.customer_id,
        changed.previous_customer_id,
        changed.assignment_reason,
        merge_reasons.first_link_rule,
        changed.assigned_at

)

select * from final
