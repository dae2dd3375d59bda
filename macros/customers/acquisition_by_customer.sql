{#
    dim_customer_acquisition is built per customer (the pattern of
    macros/incremental/rows_by_version.sql): every row stores
    `acquisition_inputs_fingerprint`, one digest of everything the customer's
    acquisition is computed from:

    - the customer's records, each with when its identity row was written
      (`record_built_at` of int_customer_records_assigned, the rows the
      bridge copies): a record added or gone, moved by a merge or a split, or
      delivered again (a new version, a re-delivered or a retracted batch).
      An identity record's row is written again whenever the delivery of its
      staging row changes (identity_record_versions()), so its stamp stands
      for the delivery without joining the eight staging models for it (the
      digest of every customer at 1,000,000 customers: 1.8 s, CPU 3.5 s,
      with that join; 1.3 s, CPU 2.4 s, without);
    - the customer's web events in the timeline, each with its delivery: an
      event gained, lost (a device that no longer lends the customer its
      events) or delivered again.

    Beside it, `acquisition_rules_fingerprint` digests the acquisition_channels
    seed. A daily build deletes the rows whose fingerprints changed or whose
    customer is gone, then computes the customers of dim_customers that have
    no row (docs/pipeline.md, "How a day's models are built"). It compares
    only the customers whose records or web events changed since its last
    build (acquisition_inputs_changed_since_built), not every customer,
    whenever its inputs' deletion logs cover that time and the seed stands.
#}

{% macro acquisition_record_starts() %}
    {#- The records that can acquire a customer: their source table, staging
        model, key, channel, the column saying when the record began, and the
        source within the channel. Expressions name the staging model's import
        CTE in dim_customer_acquisition (`alias`). -#}
    {%- set no_source = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {{ return([
        {'source_table': 'web_accounts', 'model': 'stg_web__accounts', 'alias': 'web_accounts', 'key': 'account_id',
         'channel': "'web'", 'started_at': 'created_at', 'channel_source': no_source},
        {'source_table': 'shop_orders', 'model': 'stg_shop__orders', 'alias': 'orders', 'key': 'order_id',
         'channel': "case when orders.sales_channel = 'pos' then 'store' else 'online_shop' end",
         'started_at': 'ordered_at', 'channel_source': no_source},
        {'source_table': 'crm_contacts', 'model': 'stg_crm__contacts', 'alias': 'crm_contacts', 'key': 'contact_id',
         'channel': "'crm'", 'started_at': 'created_at', 'channel_source': 'crm_contacts.lead_source'},
        {'source_table': 'email_subscribers', 'model': 'stg_email__subscribers', 'alias': 'email_subscribers',
         'key': 'subscriber_id', 'channel': "'email'", 'started_at': 'subscribed_at',
         'channel_source': 'email_subscribers.signup_source'},
        {'source_table': 'social_interactions', 'model': 'stg_social__interactions', 'alias': 'social_interactions',
         'key': 'interaction_id', 'channel': "'social'", 'started_at': 'occurred_at',
         'channel_source': 'social_interactions.platform'},
        {'source_table': 'loyalty_members', 'model': 'stg_loyalty__members', 'alias': 'loyalty_members',
         'key': 'member_id', 'channel': "'loyalty'", 'started_at': 'enrolled_at', 'channel_source': no_source},
        {'source_table': 'support_tickets', 'model': 'stg_support__tickets', 'alias': 'tickets', 'key': 'ticket_id',
         'channel': "'support'", 'started_at': 'created_at', 'channel_source': 'tickets.channel'},
        {'source_table': 'support_surveys', 'model': 'stg_support__surveys', 'alias': 'surveys', 'key': 'survey_id',
         'channel': "'support'", 'started_at': 'submitted_at', 'channel_source': "'survey'"},
    ]) }}
{% endmacro %}


{% macro acquisition_channel_seeds() %}
    {#- The seed that says which channels acquire, and its columns. -#}
    {{ return({'acquisition_channels': ['acquisition_channel', 'tie_break_rank']}) }}
{% endmacro %}


{% macro acquisition_inputs_fingerprints(customer_filter='true') %}
    {#- Each customer's acquisition_inputs_fingerprint and
        acquisition_rules_fingerprint as they stand now, as a parenthesised
        query with customer_id, for the customers passing `customer_filter`
        (a predicate on a customer_id column, unqualified): what the pre-hook
        compares with, and what a build stores on the rows it writes. -#}
    (
        select
            record_fingerprints.customer_id,
            {{ customer360.md5_digest(dbt.concat([
                'record_fingerprints.records_fingerprint',
                "'/'", "coalesce(web_event_fingerprints.web_events_fingerprint, '')",
            ])) }} as acquisition_inputs_fingerprint,
            {{ customer360.seeds_fingerprint(customer360.acquisition_channel_seeds()) }}
                as acquisition_rules_fingerprint
        from (
            select
                customer_id,
                {{ customer360.group_fingerprint(['source_table', 'source_record_id', 'record_built_at']) }}
                    as records_fingerprint
            from {{ ref('int_customer_records_assigned') }}
            where {{ customer_filter }}
            group by customer_id
        ) as record_fingerprints
        left outer join (
            select
                customer_id,
                {{ customer360.group_fingerprint(['source_record_id', 'delivered_batch_id', 'delivered_at']) }}
                    as web_events_fingerprint
            from {{ ref('fct_customer_interactions') }}
            where
                source_table = 'web_events'
                and customer_id is not null
                and {{ customer_filter }}
            group by customer_id
        ) as web_event_fingerprints
            on record_fingerprints.customer_id = web_event_fingerprints.customer_id
    )
{%- endmacro %}


{% macro acquisition_inputs_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        dim_customer_acquisition's pre-hook: the customers whose records
        int_customer_records_assigned wrote or deleted since the model last
        wrote, and those whose touches fct_customer_interactions wrote (web
        events) or deleted since; each logs the customer of the rows it
        deletes. Complete while both logs cover that time and the seed
        stands. -#}
    {%- set records = ref('int_customer_records_assigned') -%}
    {%- set interactions = ref('fct_customer_interactions') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {%- set changed_customers -%}
        {{ customer360.written_or_deleted_since(records, ['customer_id'], since) }}
        union
        {{ customer360.written_or_deleted_since(
            interactions, ['customer_id'], since, 'customer_resolved_at',
            "source_table = 'web_events' and customer_id is not null",
        ) }}
    {%- endset -%}
    {{ return({
        'keys': changed_customers,
        'versions': customer360.acquisition_inputs_fingerprints(customer360.is_changed_key(['customer_id'])),
        'complete': customer360.deletion_logs_cover([records, interactions], since) ~ ' and '
            ~ customer360.rules_stand('acquisition_rules_fingerprint', customer360.acquisition_channel_seeds()),
    }) }}
{%- endmacro %}
