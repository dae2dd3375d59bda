{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['order_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'order_id', 'account_id', 'guest_email', 'guest_phone', 'loyalty_card_number',
    'sales_channel', 'store_id', 'order_status', 'currency', 'order_total',
    'shipping_country', 'shipping_postal_code', 'ordered_at', 'updated_at',
] -%}

{#-
    A phone without its country code is read in the shipping country, else in
    the country of the order's currency: a till sale ships nowhere, but a
    sale in CNY happened in China, where 138 0013 8000 is a mobile number and
    not +1 380 013 8000. The first two letters of a national currency's ISO
    4217 code are its country's (CNY, GBP, USD); EUR and the X.. codes of
    currency unions name no country and fall back to the default.
-#}
{%- set calling_code -%}
    coalesce(
        cast(countries.calling_code as {{ dbt.type_string() }}),
        cast(currency_countries.calling_code as {{ dbt.type_string() }}),
        '{{ var("default_phone_calling_code") }}'
    )
{%- endset -%}

with

source as (

    {{ new_deliveries(source('shop', 'orders')) }}

),

countries as (

    select * from {{ ref('countries') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('account_id') }} as account_id,
        upper({{ clean_text('store_id') }}) as store_id,
        nullif({{ regex_replace('loyalty_card_number', "'[^0-9]'", "''") }}, '') as loyalty_card_number,
        {{ clean_email('guest_email') }} as guest_email_cleaned,
        {{ clean_text('guest_phone') }} as guest_phone_cleaned,
        {{ standardize_enum('sales_channel') }} as sales_channel,
        {{ standardize_enum('order_status') }} as order_status,
        upper({{ clean_text('currency') }}) as currency_cleaned,
        upper({{ clean_text('shipping_country') }}) as shipping_country_cleaned,
        upper({{ clean_text('shipping_postal_code') }}) as shipping_postal_code,
        {{ cast_or_null('order_total', 'decimal(18,2)') }} as order_total,
        {{ parse_timestamp_utc('ordered_at') }} as ordered_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.order_id,
        renamed.account_id,
        renamed.store_id,
        renamed.loyalty_card_number,
        {{ standardised_email_columns('renamed', 'guest_email') }},
        {{ phone_to_e164('renamed.guest_phone_cleaned', calling_code) }} as guest_phone,
        {{ phone_extension('renamed.guest_phone_cleaned') }} as guest_phone_extension,
        renamed.sales_channel,
        renamed.order_status,
        currencies.currency_code,
        country_aliases.country_code as shipping_country_code,
        renamed.shipping_postal_code,
        renamed.guest_email_cleaned,
        renamed.guest_phone_cleaned,
        renamed.shipping_country_cleaned,
        renamed.order_total,
        renamed.ordered_at,
        renamed.updated_at,
        renamed.row_fingerprint,
        renamed._batch_id,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    {{ email_domain_typo_join('renamed', 'guest_email') }}
    left outer join country_aliases
        on renamed.shipping_country_cleaned = country_aliases.alias
    left outer join countries
        on country_aliases.country_code = countries.country_code
    left outer join currencies
        on renamed.currency_cleaned = currencies.currency_code
    left outer join countries as currency_countries
        on substr(currencies.currency_code, 1, 2) = currency_countries.country_code

),

checked as (

    select
        standardised.*,
        standardised.shipping_country_cleaned is not null
        and standardised.shipping_country_code is null as has_unknown_shipping_country,
        case
            when standardised.order_id is null then 'missing_natural_key'
            when standardised.ordered_at is null or standardised.updated_at is null then 'invalid_timestamp'
            when
                standardised.ordered_at > {{ future_cutoff('standardised._loaded_at') }}
                or standardised.updated_at > {{ future_cutoff('standardised._loaded_at') }}
                then 'future_timestamp'
            when standardised.order_total is null or standardised.order_total <= 0 then 'invalid_amount'
            when standardised.currency_code is null then 'unknown_currency'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='guest_email', phone_column='guest_phone') }}

),

{{ version_deliveries('contact_points_checked', 'order_id', "deduplicated.updated_at") }},

final as (

    select
        order_id,
        account_id,
        store_id,
        loyalty_card_number,
        guest_email,
        guest_email_as_given,
        guest_phone,
        guest_phone_extension,
        sales_channel,
        order_status,
        currency_code,
        shipping_country_code,
        shipping_postal_code,
        row_fingerprint,
        quarantine_reason,
        order_total,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_guest_email_placeholder,
        has_invalid_guest_email,
        is_guest_phone_placeholder,
        has_invalid_guest_phone,
        has_unknown_shipping_country,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        ordered_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
