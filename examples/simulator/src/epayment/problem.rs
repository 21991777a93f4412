//! The ePayment API's error answers: RFC 7807 problem details, built from
//! appswitch-core's [`Problem`] (ePayment API guide, "Errors").

use appswitch_core::providers::vipps_epayment::{ExtraDetail, Problem};
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::util::random_hex;

/// A problem answer and its HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProblemAnswer {
    pub(crate) problem: Box<Problem>,
    pub(crate) retry_after_secs: Option<u64>,
}

impl ProblemAnswer {
    /// `status` with `title` and `detail`; `type` is the status's page, as
    /// the provider's examples show (`https://httpstatuses.io/400`).
    pub(crate) fn new(status: u16, title: &str, detail: &str) -> Self {
        ProblemAnswer {
            problem: Box::new(Problem {
                kind: Some(format!("https://httpstatuses.io/{status}")),
                title: Some(title.to_string()),
                status: Some(status),
                detail: Some(detail.to_string()),
                instance: None,
                trace_id: Some(format!("00-{}-{}-01", random_hex(16), random_hex(8))),
                extra_details: Vec::new(),
            }),
            retry_after_secs: None,
        }
    }

    /// `400 Bad Request` naming the field, as a validation error does.
    pub(crate) fn invalid(field: &str, reason: &str) -> Self {
        let mut p = ProblemAnswer::new(400, "Bad Request", "See extraDetails for further details");
        p.problem.extra_details.push(ExtraDetail {
            name: field.to_string(),
            reason: reason.to_string(),
        });
        p
    }

    /// `404`: "The reference … does not exist".
    pub(crate) fn not_found(reference: &str, msn: &str) -> Self {
        ProblemAnswer::new(
            404,
            "Reference not found",
            &format!("The reference `{reference}` does not exist for MSN {msn}"),
        )
    }

    /// A burst answer: `429` or a `5xx` "Internal error".
    pub(crate) fn burst(status: u16) -> Self {
        if status == 429 {
            let mut p = ProblemAnswer::new(429, "Too Many Requests", "Rate limit is exceeded.");
            p.retry_after_secs = Some(1);
            p
        } else {
            ProblemAnswer::new(status, "Internal error", "Simulated internal error")
        }
    }

    /// With an `extraDetails` entry naming `field` (the detail as reason).
    pub(crate) fn with_field(mut self, field: &str) -> Self {
        let reason = self.problem.detail.clone().unwrap_or_default();
        self.problem.extra_details.push(ExtraDetail {
            name: field.to_string(),
            reason,
        });
        self
    }

    /// With `instance`: the request's path.
    pub(crate) fn at(mut self, path: &str) -> Self {
        self.problem.instance = Some(path.to_string());
        self
    }

    pub(crate) fn status(&self) -> u16 {
        self.problem.status.unwrap_or(500)
    }
}

impl IntoResponse for ProblemAnswer {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(&*self.problem)).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after_secs {
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        r
    }
}
