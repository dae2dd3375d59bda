{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(),
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'product_id', 'sku', 'product_name', 'category', 'subcategory', 'brand',
    'list_price', 'currency', 'is_active', 'updated_at',
] -%}

with

source as (

    {{ new_deliveries(source('shop', 'products')) }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

renamed as (

    select
        {{ clean_text('product_id') }} as product_id,
        upper({{ clean_text('sku') }}) as sku,
        {{ clean_text('product_name', var('max_text_length')) }} as product_name,
        {{ standardize_enum('category') }} as category,
        {{ standardize_enum('subcategory') }} as subcategory,
        {{ clean_text('brand') }} as brand,
        upper({{ clean_text('currency') }}) as currency_cleaned,
        {{ clean_text('list_price') }} as list_price_cleaned,
        {{ cast_or_null('list_price', 'decimal(18,2)') }} as list_price_parsed,
        {{ parse_boolean('is_active') }} as is_active,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    {#- Reference data: a bad price or currency is blanked and flagged, not quarantined. -#}
    select
        renamed.product_id,
        renamed.sku,
        renamed.product_name,
        renamed.category,
        renamed.subcategory,
        renamed.brand,
        currencies.currency_code,
        {#- The cast keeps decimal(18,2): PostgreSQL drops the scale of a case expression. #}
        cast(
            case when renamed.list_price_parsed > 0 then renamed.list_price_parsed end as decimal(18, 2)
        ) as list_price,
        renamed.list_price_cleaned is not null
        and coalesce(renamed.list_price_parsed <= 0, true) as has_invalid_list_price,
        renamed.currency_cleaned is not null and currencies.currency_code is null as has_unknown_currency,
        renamed.is_active,
        renamed.updated_at,
        renamed.row_fingerprint,
        renamed._batch_id,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    left outer join currencies
        on renamed.currency_cleaned = currencies.currency_code

),

checked as (

    select
        standardised.*,
        case
            when standardised.product_id is null then 'missing_natural_key'
            when standardised.updated_at is null then 'invalid_timestamp'
            when standardised.updated_at > {{ future_cutoff('standardised._loaded_at') }} then 'future_timestamp'
        end as quarantine_reason
    from standardised

),

{{ version_deliveries('checked', 'product_id', "deduplicated.updated_at") }},

final as (

    select
        product_id,
        sku,
        product_name,
        category,
        subcategory,
        brand,
        currency_code,
        row_fingerprint,
        quarantine_reason,
        list_price,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        has_invalid_list_price,
        has_unknown_currency,
        is_active,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
