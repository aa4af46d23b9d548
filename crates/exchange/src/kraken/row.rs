//! Field readers for Kraken's positional rows: every value is checked, and a bad one fails
//! the response with the pair and field named, never a silent zero.

use serde_json::Value;

use crate::{Endpoint, ExchangeError};

/// Where a value came from, for the error that names it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub endpoint: Endpoint,
    pub pair: &'a str,
}

impl<'a> Ctx<'a> {
    pub fn new(endpoint: Endpoint, pair: &'a str) -> Self {
        Self { endpoint, pair }
    }

    pub fn shape(&self, detail: impl std::fmt::Display) -> ExchangeError {
        ExchangeError::Shape {
            endpoint: self.endpoint,
            detail: format!("pair {}: {detail}", self.pair),
        }
    }

    fn invalid(&self, field: &'static str, value: &Value, problem: &'static str) -> ExchangeError {
        ExchangeError::InvalidNumber {
            endpoint: self.endpoint,
            pair: self.pair.to_owned(),
            field,
            value: value.to_string(),
            problem,
        }
    }

    /// A row as an array with at least `min` entries.
    pub fn row<'v>(
        &self,
        value: &'v Value,
        min: usize,
        what: &str,
    ) -> Result<&'v [Value], ExchangeError> {
        match value.as_array() {
            Some(row) if row.len() >= min => Ok(row),
            _ => Err(self.shape(format_args!(
                "{what} is {value}, expected an array of {min}+"
            ))),
        }
    }

    fn at<'v>(
        &self,
        row: &'v [Value],
        i: usize,
        field: &'static str,
    ) -> Result<&'v Value, ExchangeError> {
        row.get(i)
            .ok_or_else(|| self.shape(format_args!("{field} (position {i}) is missing")))
    }

    /// A price or volume: a decimal string, finite and not negative.
    pub fn num(&self, row: &[Value], i: usize, field: &'static str) -> Result<f64, ExchangeError> {
        let value = self.at(row, i, field)?;
        let text = value
            .as_str()
            .ok_or_else(|| self.invalid(field, value, "not a decimal string"))?;
        let number: f64 = text
            .parse()
            .map_err(|_| self.invalid(field, value, "not a number"))?;
        if !number.is_finite() {
            return Err(self.invalid(field, value, "not finite"));
        }
        if number.is_sign_negative() {
            return Err(self.invalid(field, value, "negative"));
        }
        Ok(number)
    }

    /// An optional decimal string (AssetPairs limits), checked like [`Self::num`].
    pub fn opt_num(
        &self,
        text: Option<&str>,
        field: &'static str,
    ) -> Result<Option<f64>, ExchangeError> {
        text.map(|t| self.num(&[Value::from(t)], 0, field))
            .transpose()
    }

    /// A JSON integer (timestamps, counts, ids).
    pub fn int(&self, row: &[Value], i: usize, field: &'static str) -> Result<i64, ExchangeError> {
        let value = self.at(row, i, field)?;
        value
            .as_i64()
            .ok_or_else(|| self.invalid(field, value, "not an integer"))
    }

    /// A JSON integer that cannot be negative.
    pub fn count(
        &self,
        row: &[Value],
        i: usize,
        field: &'static str,
    ) -> Result<u64, ExchangeError> {
        let value = self.at(row, i, field)?;
        value
            .as_u64()
            .ok_or_else(|| self.invalid(field, value, "not a non-negative integer"))
    }

    /// A JSON number with a fraction (trade times), finite and positive.
    pub fn float(
        &self,
        row: &[Value],
        i: usize,
        field: &'static str,
    ) -> Result<f64, ExchangeError> {
        let value = self.at(row, i, field)?;
        match value.as_f64() {
            Some(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => Err(self.invalid(field, value, "not a positive number")),
        }
    }

    pub fn text<'v>(
        &self,
        row: &'v [Value],
        i: usize,
        field: &'static str,
    ) -> Result<&'v str, ExchangeError> {
        let value = self.at(row, i, field)?;
        value
            .as_str()
            .ok_or_else(|| self.shape(format_args!("{field} is {value}, expected a string")))
    }
}
