{#
    fct_customer_channel_engagements is built per customer, as
    dim_customer_acquisition is (macros/customers/acquisition_by_customer.sql):
    every row stores `engagement_inputs_fingerprint`, one digest of exactly
    what the customer's rows are computed from, their touches in the timeline
    (each touch's id, channel, type and time), and
    `engagement_rules_fingerprint`, the digest of the
    engagement_interaction_weights seed. A daily build deletes the rows of the
    customers whose digests changed or who have no touch any more, then
    computes the customers with touches that have no row: new and changed
    ones, and those whose touches all weigh nothing, which give no row and are
    computed again, to no effect, each time. It compares only the customers
    whose touches fct_customer_interactions wrote or deleted since its last
    build (engagement_inputs_changed_since_built), whenever that model's
    deletion log covers the time and the seed stands.
#}

{% macro engagement_weight_seeds() %}
    {#- The seed that weighs each interaction type, and its columns. -#}
    {{ return({'engagement_interaction_weights': ['interaction_type', 'engagement_weight']}) }}
{% endmacro %}


{% macro engagement_inputs_fingerprints(customer_filter='true') %}
    {#- Each customer's engagement_inputs_fingerprint and
        engagement_rules_fingerprint as they stand now, as a parenthesised
        query with customer_id, for the customers with touches passing
        `customer_filter` (a predicate on an unqualified customer_id column). -#}
    (
        select
            customer_id,
            {{ customer360.md5_digest(
                customer360.group_fingerprint(['interaction_id', 'channel', 'interaction_type', 'occurred_at'])
            ) }} as engagement_inputs_fingerprint,
            {{ customer360.seeds_fingerprint(customer360.engagement_weight_seeds()) }}
                as engagement_rules_fingerprint
        from {{ ref('fct_customer_interactions') }}
        where
            customer_id is not null
            and {{ customer_filter }}
        group by customer_id
    )
{%- endmacro %}


{% macro engagement_inputs_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        fct_customer_channel_engagements' pre-hook: the customers whose
        touches fct_customer_interactions wrote or deleted since the model
        last wrote (it logs the customer of every row it deletes or rewrites).
        Complete while that log covers the time and the seed stands. -#}
    {%- set interactions = ref('fct_customer_interactions') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {{ return({
        'keys': customer360.written_or_deleted_since(
            interactions, ['customer_id'], since, 'customer_resolved_at', 'customer_id is not null'
        ),
        'versions': customer360.engagement_inputs_fingerprints(customer360.is_changed_key(['customer_id'])),
        'complete': customer360.deletion_log_covers(interactions, since) ~ ' and '
            ~ customer360.rules_stand('engagement_rules_fingerprint', customer360.engagement_weight_seeds()),
    }) }}
{%- endmacro %}
