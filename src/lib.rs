//! routesim: discrete-event simulation of omnichannel work distribution as Dynamics 365
//! unified routing does it.
//!
//! Data flows one way: a scenario file is read by [`config`] into a validated
//! [`model::Scenario`]; [`model::simulate`] runs it on the [`engine`] kernel and reports events
//! to a [`metrics`] observer; the results go to [`report`]. Nothing in `engine`, `model` or
//! `metrics` does I/O.

pub mod analytic;
pub mod budget;
pub mod check;
pub mod config;
pub mod engine;
pub mod metrics;
pub mod model;
pub mod report;
pub mod staffing;
pub mod sweep;
pub mod warnings;
