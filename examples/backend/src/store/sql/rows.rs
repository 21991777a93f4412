//! Reading rows back into the store's types, and the names stored for
//! enums; shared by both databases (generic over the row type).

use appswitch_core::foundation::money::Amount;
use appswitch_core::merchant::mutation::MutationKind;
use appswitch_core::providers::vipps_ecom::AuthToken;
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::store::{
    Millis, NewOperation, NewOrder, OperationOrigin, OperationState, OrderState, StoreError,
    StoredOperation, StoredOrder,
};

pub(super) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(super) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(super) fn corrupt(order_id: &str, what: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        order_id: order_id.to_string(),
        what,
        detail: e.to_string(),
    }
}

pub(super) fn json<T: serde::Serialize>(value: &T) -> String {
    // Our own types always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

pub(super) fn kind_name(k: MutationKind) -> &'static str {
    k.as_str()
}

pub(super) fn kind_from(order_id: &str, s: &str) -> Result<MutationKind, StoreError> {
    match s {
        "capture" => Ok(MutationKind::Capture),
        "cancel" => Ok(MutationKind::Cancel),
        "refund" => Ok(MutationKind::Refund),
        other => Err(corrupt(order_id, "operation kind", other)),
    }
}

pub(super) fn origin_name(o: OperationOrigin) -> &'static str {
    match o {
        OperationOrigin::Merchant => "merchant",
        OperationOrigin::CleanUp => "clean-up",
    }
}

pub(super) fn op_state_name(s: OperationState) -> &'static str {
    match s {
        OperationState::Pending => "pending",
        OperationState::Done => "done",
        OperationState::Refused => "refused",
    }
}

pub(super) const ORDER_COLUMNS: &str = "order_id, basket_id, amount, currency, express, auth_token, \
    fallback_url, expectation, created_at, deeplink, status, version, goods_issued, problem, \
    provider_unknown, finished_at, next_check_at, last_check_at, checks, provider_api";

/// One row into an order. Generic over the row type so that both
/// databases share it.
pub(super) fn order_from_row<R>(row: &R) -> Result<StoredOrder, StoreError>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database>,
{
    let order_id: String = row.try_get("order_id")?;
    let id = order_id.as_str();
    let text = |col: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(col)?) };
    let int = |col: &str| -> Result<i64, StoreError> { Ok(row.try_get::<i64, _>(col)?) };
    let opt_int = |col: &str| -> Result<Option<Millis>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(col)?.map(to_u64))
    };
    let deeplink = match row.try_get::<Option<String>, _>("deeplink")? {
        Some(d) => Some(serde_json::from_str(&d).map_err(|e| corrupt(id, "deeplink", e))?),
        None => None,
    };
    let state = OrderState {
        status: serde_json::from_str(&text("status")?).map_err(|e| corrupt(id, "status", e))?,
        deeplink,
        goods_issued: int("goods_issued")? != 0,
        problem: row.try_get("problem")?,
        provider_unknown: int("provider_unknown")? != 0,
        finished_at: opt_int("finished_at")?,
    };
    let order = NewOrder {
        basket_id: text("basket_id")?,
        amount: Amount::from_minor(to_u64(int("amount")?)),
        currency: text("currency")?,
        provider_api: text("provider_api")?
            .parse()
            .map_err(|e| corrupt(id, "provider API", e))?,
        express: int("express")? != 0,
        auth_token: AuthToken::new(text("auth_token")?),
        fallback_url: text("fallback_url")?,
        expectation: serde_json::from_str(&text("expectation")?)
            .map_err(|e| corrupt(id, "return expectation", e))?,
        created_at: to_u64(int("created_at")?),
        state: state.clone(),
        next_check_at: opt_int("next_check_at")?,
        order_id: order_id.clone(),
    };
    Ok(StoredOrder {
        version: int("version")?,
        next_check_at: order.next_check_at,
        last_check_at: opt_int("last_check_at")?,
        checks: u32::try_from(int("checks")?).unwrap_or(u32::MAX),
        state,
        order,
    })
}

pub(super) fn operation_from_row<R>(row: &R) -> Result<StoredOperation, StoreError>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database>,
    i64: Type<R::Database>,
{
    let order_id: String = row.try_get("order_id")?;
    let kind = kind_from(&order_id, &row.try_get::<String, _>("kind")?)?;
    let origin = match row.try_get::<String, _>("origin")?.as_str() {
        "merchant" => OperationOrigin::Merchant,
        "clean-up" => OperationOrigin::CleanUp,
        other => return Err(corrupt(&order_id, "operation origin", other)),
    };
    let state = match row.try_get::<String, _>("state")?.as_str() {
        "pending" => OperationState::Pending,
        "done" => OperationState::Done,
        "refused" => OperationState::Refused,
        other => return Err(corrupt(&order_id, "operation state", other)),
    };
    Ok(StoredOperation {
        op: NewOperation {
            key: row.try_get("idempotency_key")?,
            kind,
            amount: row
                .try_get::<Option<i64>, _>("amount")?
                .map(|a| Amount::from_minor(to_u64(a))),
            text: row.try_get("text")?,
            origin,
            order_id,
        },
        state,
        answer: row.try_get("answer")?,
    })
}
