{% macro interaction_deliveries() %}
    {#- Where each source table of fct_customer_interactions is delivered: the
        relation holding its rows with `_batch_id` and `_loaded_at`, and the
        column naming the source record. Loyalty touches read every delivered
        version of a member, so the member's deliveries are all its versions. -#}
    {{- return([
        {'source_table': 'web_events', 'relation': ref('stg_web__events'), 'record_id': 'event_id'},
        {'source_table': 'shop_orders', 'relation': ref('stg_shop__orders'), 'record_id': 'order_id'},
        {'source_table': 'email_events', 'relation': ref('stg_email__events'), 'record_id': 'email_event_id'},
        {'source_table': 'social_interactions', 'relation': ref('stg_social__interactions'), 'record_id': 'interaction_id'},
        {'source_table': 'support_tickets', 'relation': ref('stg_support__tickets'), 'record_id': 'ticket_id'},
        {'source_table': 'support_surveys', 'relation': ref('stg_support__surveys'), 'record_id': 'survey_id'},
        {'source_table': 'loyalty_members', 'relation': ref('base_loyalty__members'), 'record_id': 'member_id'},
    ]) -}}
{% endmacro %}
