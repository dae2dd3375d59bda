{#
    Every touch between a person and the business, in one timeline: a
    straight union of the channels, each row tied to the identity record that
    says who it was (the touch itself, or the email subscriber or web account
    it belongs to), then one join to the record -> customer map.

    Web events name an account only when signed in; a device (anonymous id)
    whose signed-in events all belong to one customer lends that customer to
    its other events. Touches that reach no customer (unknown devices, and
    records that name nobody, such as anonymous till orders) stay, with a
    null customer_id and customer_match_method `unmatched`.

    Privacy requests are not touches here: they belong to the restricted
    privacy marts.

    Built by source record (macros/facts/facts_by_source_record.sql): a daily
    build rewrites the touches of the records that are new or delivered again,
    of the records whose customer changed, and of the devices either of them
    uses; see docs/pipeline.md, "Facts built by source record". The rows it
    deletes or rewrites go to its deletion log first (their customer), so
    that the customer marts reading it compare only the customers whose
    touches changed (macros/incremental/logged_delete_insert.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='logged_delete+insert',
        unique_key=['source_table', 'source_record_id'],
        on_schema_change='fail',
        meta={'deletion_log_columns': ['customer_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_rows_of_replaced_deliveries(customer360.interaction_deliveries()) }}",
    )
}}
{#- refs read only by an incremental build, declared for the parser -#}
-- depends_on: {{ ref('int_identity_customer_ids_assigned') }}
-- depends_on: {{ ref('base_web__events') }}

{%- set incremental = is_incremental() %}
{#- touches that reach their customer through another record: touch, its id, that record, its id -#}
{%- set touches_reached_through = [
    ('email_events', 'email_event_id', 'email_subscribers', 'subscriber_id'),
    ('web_events', 'event_id', 'web_accounts', 'account_id'),
] %}

{#-
    The imports read by several touches are not materialised: each reader
    then scans with its own filters (a day's records, the day's accounts)
    instead of DuckDB buffering every current web event, order, email event,
    bridge row and assignment first. A day at 1,000,000 customers: 2.5 to
    2.7 s for this query against 2.8 to 3.5 s; a full build is no slower.
#}
with

web_events as {{ not_materialized() }} (

    select * from {{ ref('stg_web__events') }}

),

orders as {{ not_materialized() }} (

    select * from {{ ref('stg_shop__orders') }}

),

email_events as {{ not_materialized() }} (

    select * from {{ ref('stg_email__events') }}

),

social_interactions as (

    select * from {{ ref('stg_social__interactions') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

loyalty_members as (

    select * from {{ ref('stg_loyalty__members') }}

),

loyalty_member_versions as (

    select * from {{ ref('base_loyalty__members') }}

),

customer_records as {{ not_materialized() }} (

    select * from {{ ref('bridge_customer_source_records') }}

),

{% if incremental %}
{#- Which source records this build rewrites: see docs/pipeline.md, "Facts built by source record". -#}
delivered_records as (

    select *
    from {{ customer360.records_delivered_since_built(this, customer360.interaction_deliveries()) }} as delivered

),

assignments as {{ not_materialized() }} (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

),

reassigned_records as (

    {%- set last_built = customer360.latest_mark(this, 'customer_resolved_at') %}
    {#- identity records whose customer was assigned (new or changed) since the last build: after
        its stamp, as every stamp of a change is (macros/incremental/changes_since_built.sql; an
        assignment stamped with that second was made before this model's last build read it). An
        email event released from quarantine by its newly arrived subscriber comes in through
        this. -#}
    select
        customer_records.source_table,
        customer_records.source_record_id
    from assignments
    inner join customer_records
        on assignments.record_key = customer_records.record_key
    where assignments.assigned_at > {{ last_built }}

    union all

    {# records that were assigned once and are identity records no more: the touches they are, and
       those reached through them (a subscriber's, an account's), reach no customer now. Whether a
       record names someone depends on its own row alone, so a touch stops naming someone with a
       delivery of its own, which delivered_records already finds; except a social interaction,
       which stops naming someone, undelivered, when the one interaction that showed its handle
       with an email goes. The subscribers and accounts that touches reach their customer through
       are delivered apart from those touches. So only those three sources are looked at. Such a
       record leaves the bridge, whose deletion log names it: the records it logged since the last
       build (one deleted and written again is rewritten as it is). Where
       the log does not reach back that far (the bridge was rebuilt whole since), every record of
       those sources that the memory of ids keeps is compared with the bridge instead (1,000,000
       customers: 0.9 s of the query's 2 s, for a few records). A record key is
       `source_table:record id`. #}
    {%- set sources_left_undelivered = ['social_interactions'] %}
    {%- for _, _, identity_table, _ in touches_reached_through %}
        {%- do sources_left_undelivered.append(identity_table) %}
    {%- endfor %}
    {%- set bridge = ref('bridge_customer_source_records') %}
    {#- asked while the model is built, so that the query reads one source of records or the other -#}
    {%- set bridge_log_covers = execute and customer360.has_rows(
        '(select 1 as covered where ' ~ customer360.deletion_log_covers(bridge, last_built) ~ ')'
    ) %}
    select
        {{ dbt.split_part('unassigned.record_key', "':'", 1) }} as source_table,
        substr(
            unassigned.record_key, {{ dbt.length(dbt.split_part('unassigned.record_key', "':'", 1)) }} + 2
        ) as source_record_id
    from (
        {%- if bridge_log_covers %}
        {{ customer360.deletions_since(bridge, ['record_key'], last_built) }}
        {%- else %}
        select assignments.record_key
        from assignments
        left outer join (
            select customer_records.record_key
            from customer_records
            where customer_records.source_table in ('{{ sources_left_undelivered | join("', '") }}')
        ) as named_records
            on assignments.record_key = named_records.record_key
        where named_records.record_key is null
        {%- endif %}
    ) as unassigned
    where
        {%- for source_table in sources_left_undelivered %}
        unassigned.record_key like '{{ source_table }}:%'{{ ' or' if not loop.last }}
        {%- endfor %}

),

touched_records as (

    select
        source_table,
        source_record_id
    from delivered_records
    union
    select
        source_table,
        source_record_id
    from reassigned_records
    {% for touches, touch_id, identity_table, identity_id in touches_reached_through %}
        union
        select
            '{{ touches }}' as source_table,
            {{ touches }}.{{ touch_id }} as source_record_id
        from {{ touches }}
        inner join reassigned_records
            on
                reassigned_records.source_table = '{{ identity_table }}'
                and {{ touches }}.{{ identity_id }} = reassigned_records.source_record_id
    {% endfor %}

),

{#- a device lends a customer from all its events: a touched event's devices, before and after
    a change, are rebuilt whole -#}
touched_devices as (

    select distinct event_versions.anonymous_id
    from {{ ref('base_web__events') }} as event_versions
    inner join touched_records
        on
            touched_records.source_table = 'web_events'
            and event_versions.event_id = touched_records.source_record_id
    where event_versions.anonymous_id is not null

),

{#- their current events, read once for what to rebuild and for whom each device lends. An inner
    join with the few devices rather than `anonymous_id in (...)`: DuckDB plans that semi join with
    its hash table over every web event (1,000,000 customers: 2.0 s for this query, against 3.3 s
    with the two semi joins it replaces). -#}
touched_device_events as (

    select
        web_events.event_id,
        web_events.account_id,
        web_events.anonymous_id
    from web_events
    inner join touched_devices
        on web_events.anonymous_id = touched_devices.anonymous_id

),

records_to_build as (

    select
        source_table,
        source_record_id
    from touched_records
    union
    select
        'web_events' as source_table,
        event_id as source_record_id
    from touched_device_events

),

{% endif %}
account_customers as (

    select
        source_record_id as account_id,
        customer_id
    from customer_records
    where source_table = 'web_accounts'

),

{# a device shared by several customers lends none of them #}
anonymous_customers as (

    select
        device_events.anonymous_id,
        min(account_customers.customer_id) as customer_id
    from {{ 'touched_device_events' if incremental else 'web_events' }} as device_events
    inner join account_customers
        on device_events.account_id = account_customers.account_id
    where device_events.anonymous_id is not null
    group by device_events.anonymous_id
    having min(account_customers.customer_id) = max(account_customers.customer_id)

),

web_touches as (

    select
        'web_events' as source_table,
        event_id as source_record_id,
        product_id,
        case when platform = 'web' then 'web' else 'app' end as channel,
        event_type as interaction_type,
        'web_accounts' as identity_source_table,
        account_id as identity_record_id,
        'web_account' as identity_match_method,
        anonymous_id,
        '' as occurrence_key,
        occurred_at,
        _batch_id as delivered_batch_id,
        _loaded_at as delivered_at
    from web_events
    where {{ customer360.is_source_record_to_build('web_events', 'event_id', incremental) }}

),

order_touches as (

    {% for interaction_type, condition, time_column in [
        ('order_placed', 'true', 'ordered_at'),
        ('order_cancelled', "order_status = 'cancelled'", 'updated_at'),
        ('order_returned', "order_status = 'returned'", 'updated_at'),
    ] %}
        select
            'shop_orders' as source_table,
            order_id as source_record_id,
            cast(null as {{ dbt.type_string() }}) as product_id,
            case when sales_channel = 'pos' then 'store' else 'online_shop' end as channel,
            '{{ interaction_type }}' as interaction_type,
            'shop_orders' as identity_source_table,
            order_id as identity_record_id,
            'source_record' as identity_match_method,
            cast(null as {{ dbt.type_string() }}) as anonymous_id,
            '' as occurrence_key,
            {{ time_column }} as occurred_at,
            _batch_id as delivered_batch_id,
            _loaded_at as delivered_at
        from orders
        where
            {{ condition }}
            and {{ customer360.is_source_record_to_build('shop_orders', 'order_id', incremental) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

email_touches as (

    select
        'email_events' as source_table,
        email_event_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        'email' as channel,
        {{ dbt.concat(["'email_'", 'event_type']) }} as interaction_type,
        'email_subscribers' as identity_source_table,
        subscriber_id as identity_record_id,
        'email_subscriber' as identity_match_method,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        '' as occurrence_key,
        occurred_at,
        _batch_id as delivered_batch_id,
        _loaded_at as delivered_at
    from email_events
    where {{ customer360.is_source_record_to_build('email_events', 'email_event_id', incremental) }}

),

social_touches as (

    select
        'social_interactions' as source_table,
        interaction_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        'social' as channel,
        {{ dbt.concat(["'social_'", 'interaction_type']) }} as interaction_type,
        'social_interactions' as identity_source_table,
        interaction_id as identity_record_id,
        'source_record' as identity_match_method,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        '' as occurrence_key,
        occurred_at,
        _batch_id as delivered_batch_id,
        _loaded_at as delivered_at
    from social_interactions
    where {{ customer360.is_source_record_to_build('social_interactions', 'interaction_id', incremental) }}

),

support_touches as (

    {% for interaction_type, time_column in [('ticket_opened', 'created_at'), ('ticket_resolved', 'resolved_at')] %}
        select
            'support_tickets' as source_table,
            ticket_id as source_record_id,
            cast(null as {{ dbt.type_string() }}) as product_id,
            'support' as channel,
            '{{ interaction_type }}' as interaction_type,
            'support_tickets' as identity_source_table,
            ticket_id as identity_record_id,
            'source_record' as identity_match_method,
            cast(null as {{ dbt.type_string() }}) as anonymous_id,
            '' as occurrence_key,
            {{ time_column }} as occurred_at,
            _batch_id as delivered_batch_id,
            _loaded_at as delivered_at
        from tickets
        where
            {{ time_column }} is not null
            and {{ customer360.is_source_record_to_build('support_tickets', 'ticket_id', incremental) }}
        union all
    {% endfor %}

    select
        'support_surveys' as source_table,
        survey_id as source_record_id,
        product_id,
        'support' as channel,
        case
            when survey_type = 'review' then 'review_submitted'
            else {{ dbt.concat(['survey_type', "'_survey_submitted'"]) }}
        end as interaction_type,
        'support_surveys' as identity_source_table,
        survey_id as identity_record_id,
        'source_record' as identity_match_method,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        '' as occurrence_key,
        submitted_at as occurred_at,
        _batch_id as delivered_batch_id,
        _loaded_at as delivered_at
    from surveys
    where {{ customer360.is_source_record_to_build('support_surveys', 'survey_id', incremental) }}

),

{# every usable delivered version of a member, compared with the one before it #}
loyalty_versions_compared as (

    select
        member_id,
        {# a missing tier or balance is a value of its own, so a change to or from it counts #}
        coalesce(tier, '') as tier,
        coalesce(points_balance, -1) as points_balance,
        lag(coalesce(tier, '')) over (partition by member_id order by version_number desc) as previous_tier,
        lag(coalesce(points_balance, -1)) over (
            partition by member_id order by version_number desc
        ) as previous_points_balance,
        version_number = version_count as is_first_version,
        {{ dbt.concat(['_batch_id', "'/'", 'cast(_row_number as ' ~ dbt.type_string() ~ ')']) }} as occurrence_key,
        updated_at,
        _batch_id,
        _loaded_at
    from loyalty_member_versions
    where
        version_number is not null
        and {{ customer360.is_source_record_to_build('loyalty_members', 'member_id', incremental) }}

),

loyalty_touches as (

    select
        'loyalty_members' as source_table,
        member_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        'loyalty' as channel,
        'loyalty_enrolled' as interaction_type,
        'loyalty_members' as identity_source_table,
        member_id as identity_record_id,
        'source_record' as identity_match_method,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        '' as occurrence_key,
        enrolled_at as occurred_at,
        _batch_id as delivered_batch_id,
        _loaded_at as delivered_at
    from loyalty_members
    where {{ customer360.is_source_record_to_build('loyalty_members', 'member_id', incremental) }}

    union all

    select
        'loyalty_members' as source_table,
        member_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        'loyalty' as channel,
        case
            when tier <> previous_tier then 'loyalty_tier_changed'
            else 'loyalty_points_changed'
        end as interaction_type,
        'loyalty_members' as identity_source_table,
        member_id as identity_record_id,
        'source_record' as identity_match_method,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        occurrence_key,
        updated_at as occurred_at,
        _batch_id as delivered_batch_id,
        _loaded_at as delivered_at
    from loyalty_versions_compared
    where
        not is_first_version
        and (tier <> previous_tier or points_balance <> previous_points_balance)

),

unioned as (

    select * from web_touches
    union all
    select * from order_touches
    union all
    select * from email_touches
    union all
    select * from social_touches
    union all
    select * from support_touches
    union all
    select * from loyalty_touches

),

resolved as (

    select
        unioned.source_table,
        unioned.source_record_id,
        unioned.product_id,
        unioned.channel,
        unioned.interaction_type,
        unioned.occurrence_key,
        unioned.occurred_at,
        unioned.delivered_batch_id,
        unioned.delivered_at,
        coalesce(customer_records.customer_id, anonymous_customers.customer_id) as customer_id,
        case
            when customer_records.customer_id is not null then unioned.identity_match_method
            when anonymous_customers.customer_id is not null then 'anonymous_id'
            else 'unmatched'
        end as customer_match_method
    from unioned
    left outer join customer_records
        on
            unioned.identity_source_table = customer_records.source_table
            and unioned.identity_record_id = customer_records.source_record_id
    left outer join anonymous_customers
        on unioned.anonymous_id = anonymous_customers.anonymous_id

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'source_table', "'|'", 'source_record_id', "'|'", 'interaction_type', "'|'", 'occurrence_key'
        ])) }} as interaction_id,
        customer_id,
        source_record_id,
        product_id,
        source_table,
        channel,
        interaction_type,
        customer_match_method,
        cast(occurred_at as date) as occurred_date,
        occurred_at,
        {#- raw batch ids are varchar on PostgreSQL, the contract's text elsewhere in the table -#}
        cast(delivered_batch_id as {{ dbt.type_string() }}) as delivered_batch_id,
        delivered_at,
        {{ customer360.run_started_at_second() }} as customer_resolved_at
    from resolved

)

select * from final
