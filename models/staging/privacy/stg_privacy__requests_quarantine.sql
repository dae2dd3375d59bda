{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('privacy', 'requests') }}

),

base_requests as (

    select * from {{ ref('base_privacy__requests') }}

),

final as (

    select
        cast('privacy' as {{ dbt.type_string() }}) as source_name,
        cast('privacy_requests' as {{ dbt.type_string() }}) as table_name,
        base_requests.request_id as record_id,
        base_requests.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.request_id,
        source.account_id,
        source.email,
        source.phone,
        source.request_type,
        source.purpose,
        source.request_channel,
        source.status,
        source.requested_at,
        source.processed_at
    from source
    inner join base_requests
        on
            source._batch_id = base_requests._batch_id
            and source._row_number = base_requests._row_number
    where
        base_requests.quarantine_reason is not null
        and not base_requests.is_exact_duplicate

)

select * from final
