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
#}

with

web_events as (

    select * from {{ ref('stg_web__events') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

email_events as (

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

customer_records as (

    select * from {{ ref('bridge_customer_source_records') }}

),

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
        web_events.anonymous_id,
        min(account_customers.customer_id) as customer_id
    from web_events
    inner join account_customers
        on web_events.account_id = account_customers.account_id
    where web_events.anonymous_id is not null
    group by web_events.anonymous_id
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
        occurred_at
    from web_events

),

order_touches as (

    {% for interaction_type, condition, time_column in [
        ('order_placed', 'true', 'ordered_at'),
        ('order_cancelled', 'is_cancelled', 'updated_at'),
        ('order_returned', 'is_returned', 'updated_at'),
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
            {{ time_column }} as occurred_at
        from orders
        where {{ condition }}
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
        occurred_at
    from email_events

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
        occurred_at
    from social_interactions

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
            {{ time_column }} as occurred_at
        from tickets
        where {{ time_column }} is not null
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
        submitted_at as occurred_at
    from surveys

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
        updated_at
    from loyalty_member_versions
    where version_number is not null

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
        enrolled_at as occurred_at
    from loyalty_members

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
        updated_at as occurred_at
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
        occurred_at
    from resolved

)

select * from final
