{#
    on-run-start hook (see dbt_project.yml). Renders the SQL that dbt runs before
    every invocation; an empty string means there is nothing to do.
#}
{% macro create_portable_functions() -%}
    {{ return(adapter.dispatch('create_portable_functions', 'customer360')()) }}
{%- endmacro %}

{# DuckDB and Spark have try_cast built in. #}
{% macro default__create_portable_functions() -%}
    {{ return('') }}
{%- endmacro %}

{#
    PostgreSQL 15 has no try_cast, and an exception handler costs a
    subtransaction per call. These functions check the text against the same
    patterns as the other engines (cast_input_pattern) and then validate ranges
    with arithmetic, so well-formed and malformed input alike take the cheap
    path; only doubles near the limits of the type fall back to a handler.
    Being immutable and strict, they can be used in indexes and skip nulls.

    Concurrent dbt invocations would race on "create or replace" ("tuple
    concurrently updated"): a transaction-scoped advisory lock serialises them.
#}
{% macro postgres__create_portable_functions() -%}
{%- set schema = customer360.portable_functions_schema() -%}
begin;

select pg_advisory_xact_lock(hashtext('customer360.create_portable_functions'));

create schema if not exists {{ schema }};

create or replace function {{ schema }}.c360_try_cast_integer(value text)
returns integer
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
begin
    if candidate ~ '{{ customer360.cast_input_pattern("integer") }}' then
        {# numeric holds any digit string, so the range test cannot raise #}
        if candidate::numeric between -2147483648 and 2147483647 then
            return candidate::integer;
        end if;
    end if;
    return null;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_bigint(value text)
returns bigint
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
begin
    if candidate ~ '{{ customer360.cast_input_pattern("bigint") }}' then
        if candidate::numeric between -9223372036854775808 and 9223372036854775807 then
            return candidate::bigint;
        end if;
    end if;
    return null;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_double(value text)
returns double precision
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    parsed numeric;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("double") }}' then
        return null;
    end if;
    parsed := candidate::numeric;
    if parsed = 0 or abs(parsed) between 1e-307 and 1e308 then
        return candidate::double precision;
    end if;
    {# overflow or subnormal: rare enough for the exception path #}
    begin
        return candidate::double precision;
    exception
        when numeric_value_out_of_range then
            return null;
    end;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_decimal(value text, numeric_precision integer, numeric_scale integer)
returns numeric
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    rounded numeric;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("decimal") }}' then
        return null;
    end if;
    {# round as the cast to numeric(p, s) would, then check it still fits #}
    rounded := round(candidate::numeric, numeric_scale);
    if abs(rounded) >= power(10::numeric, numeric_precision - numeric_scale) then
        return null;
    end if;
    return rounded;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_date(value text)
returns date
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    year_number integer;
    month_number integer;
    day_number integer;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("date") }}' then
        return null;
    end if;
    year_number := substr(candidate, 1, 4)::integer;
    month_number := substr(candidate, 6, 2)::integer;
    day_number := substr(candidate, 9, 2)::integer;
    if month_number not between 1 and 12 or day_number < 1 then
        return null;
    end if;
    {# last day of the month, leap years included #}
    if day_number > extract(day from make_date(year_number, month_number, 1) + interval '1 month' - interval '1 day') then
        return null;
    end if;
    return make_date(year_number, month_number, day_number);
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_timestamp(value text)
returns timestamp
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    date_value date;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("timestamp") }}' then
        return null;
    end if;
    date_value := {{ schema }}.c360_try_cast_date(substr(candidate, 1, 10));
    if date_value is null then
        return null;
    end if;
    {# hours, minutes, seconds and fraction are range-checked by the pattern; add them as microseconds #}
    return date_value + (
        coalesce(nullif(substr(candidate, 12, 2), '')::bigint, 0) * 3600000000
        + coalesce(nullif(substr(candidate, 15, 2), '')::bigint, 0) * 60000000
        + coalesce(nullif(substr(candidate, 18, 2), '')::bigint, 0) * 1000000
        + rpad(substr(candidate, 21), 6, '0')::bigint
    ) * interval '1 microsecond';
end;
$function$;

commit;
{%- endmacro %}


{# Where the helper functions live: the target schema, which the hook creates if needed. #}
{% macro portable_functions_schema() -%}
    {{ return(target.schema) }}
{%- endmacro %}
