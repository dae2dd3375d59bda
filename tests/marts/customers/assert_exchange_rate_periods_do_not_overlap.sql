{#
    The periods of one currency pair never overlap (valid_to is exclusive,
    empty means open): otherwise an order would meet two rates.
#}

with

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

)

select
    earlier.currency_code,
    earlier.reporting_currency_code,
    earlier.valid_from,
    later.valid_from as overlapping_valid_from
from exchange_rates as earlier
inner join exchange_rates as later
    on
        earlier.currency_code = later.currency_code
        and earlier.reporting_currency_code = later.reporting_currency_code
        and earlier.valid_from < later.valid_from
where earlier.valid_to is null or earlier.valid_to > later.valid_from
