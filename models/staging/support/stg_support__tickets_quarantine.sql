{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('support', 'tickets') }}

),

base_tickets as (

    select * from {{ ref('base_support__tickets') }}

),

final as (

    select
        cast('support' as {{ dbt.type_string() }}) as source_name,
        cast('support_tickets' as {{ dbt.type_string() }}) as table_name,
        base_tickets.ticket_id as record_id,
        base_tickets.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.ticket_id,
        source.account_id,
        source.email,
        source.phone,
        source.requester_name,
        source.channel,
        source.category,
        source.priority,
        source.status,
        source.subject,
        source.description,
        source.created_at,
        source.resolved_at,
        source.updated_at
    from source
    inner join base_tickets
        on
            source._batch_id = base_tickets._batch_id
            and source._row_number = base_tickets._row_number
    where
        base_tickets.quarantine_reason is not null
        and not base_tickets.is_exact_duplicate

)

select * from final
