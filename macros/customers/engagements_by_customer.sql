{#
    fct_customer_channel_engagements is built per customer, as
    dim_customer_acquisition is (macros/customers/acquisition_by_customer.sql):
    every row stores `engagement_inputs_fingerprint`, one digest of exactly
    what the customer's rows are computed from, their touches in the timeline
    (each touch's id, channel, type and time) and the
    engagement_interaction_weights seed. A daily build deletes the rows of the
    customers whose digest changed or who have no touch any more, then
    computes the customers with touches that have no row: new and changed
    ones, and those whose touches all weigh nothing, which give no row and are
    computed again, to no effect, each time.
#}

{% macro engagement_weight_seeds() %}
    {#- The seed that weighs each interaction type, and its columns. -#}
    {{ return({'engagement_interaction_weights': ['interaction_type', 'engagement_weight']}) }}
{% endmacro %}


{% macro engagement_inputs_fingerprints(customer_filter='true') %}
    {#- Each customer's engagement_inputs_fingerprint as it stands now, as a
        parenthesised query of customer_id and engagement_inputs_fingerprint,
        for the customers with touches passing `customer_filter` (a predicate
        on an unqualified customer_id column). -#}
    (
        select
            customer_touches.customer_id,
            {{ customer360.md5_digest(dbt.concat([
                'customer_touches.touches_fingerprint', "'/'", 'weight_rules.rules_fingerprint',
            ])) }} as engagement_inputs_fingerprint
        from (
            select
                customer_id,
                {{ customer360.group_fingerprint(['interaction_id', 'channel', 'interaction_type', 'occurred_at']) }}
                    as touches_fingerprint
            from {{ ref('fct_customer_interactions') }}
            where
                customer_id is not null
                and {{ customer_filter }}
            group by customer_id
        ) as customer_touches
        cross join (
            select
                cast({{ customer360.seeds_fingerprint(customer360.engagement_weight_seeds()) }} as {{ dbt.type_string() }})
                    as rules_fingerprint
        ) as weight_rules
    )
{%- endmacro %}
