//! The services go-plugin expects beside the provider: health, controller (Shutdown),
//! stdio and broker. Streams stay open until shutdown, as go-plugin's own do.

use std::pin::Pin;

use futures::Stream;
use tokio::sync::watch;
use tonic::{Request, Response, Status, Streaming};

use super::generated::health::{
    health_check_response::ServingStatus, health_server::Health, HealthCheckRequest,
    HealthCheckResponse,
};
use super::generated::plugin::{
    grpc_broker_server::GrpcBroker, grpc_controller_server::GrpcController,
    grpc_stdio_server::GrpcStdio, ConnInfo, Empty, StdioData,
};

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Shared shutdown switch: flipped by Shutdown, SIGTERM or the end of the process.
#[derive(Clone)]
pub struct Shutdown {
    tx: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    pub fn new() -> Self {
        Shutdown {
            tx: watch::channel(false).0,
        }
    }
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }
    pub fn is_triggered(&self) -> bool {
        *self.tx.borrow()
    }
    /// Resolves once shutdown has been asked for.
    pub fn wait(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.tx.subscribe();
        async move {
            let _ = rx.wait_for(|v| *v).await;
        }
    }
}

/// A stream that yields nothing and ends at shutdown.
fn idle_until<T: Send + 'static>(shutdown: &Shutdown) -> BoxStream<T> {
    let wait = shutdown.wait();
    Box::pin(futures::stream::once(wait).filter_map_none())
}

trait FilterNone<T> {
    fn filter_map_none(self) -> BoxStream<T>;
}

impl<S, T> FilterNone<T> for S
where
    S: Stream<Item = ()> + Send + 'static,
    T: Send + 'static,
{
    fn filter_map_none(self) -> BoxStream<T> {
        use futures::StreamExt;
        Box::pin(self.filter_map(|()| async { None::<Result<T, Status>> }))
    }
}

pub struct HealthService {
    pub shutdown: Shutdown,
}

#[tonic::async_trait]
impl Health for HealthService {
    async fn check(
        &self,
        req: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let status = match req.get_ref().service.as_str() {
            "" | "plugin" => ServingStatus::Serving,
            _ => ServingStatus::ServiceUnknown,
        };
        Ok(Response::new(HealthCheckResponse {
            status: status as i32,
        }))
    }

    type WatchStream = BoxStream<HealthCheckResponse>;

    async fn watch(
        &self,
        req: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        use futures::StreamExt;
        let first = self.check(req).await?.into_inner();
        let rest = idle_until(&self.shutdown);
        Ok(Response::new(Box::pin(
            futures::stream::once(async move { Ok(first) }).chain(rest),
        )))
    }
}

pub struct ControllerService {
    pub shutdown: Shutdown,
}

#[tonic::async_trait]
impl GrpcController for ControllerService {
    async fn shutdown(&self, _req: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("Terraform asked the provider to shut down");
        self.shutdown.trigger();
        Ok(Response::new(Empty {}))
    }
}

pub struct StdioService {
    pub shutdown: Shutdown,
}

#[tonic::async_trait]
impl GrpcStdio for StdioService {
    type StreamStdioStream = BoxStream<StdioData>;

    // The provider writes nothing to stdout after the handshake and logs go to stderr
    // directly, so the stream carries nothing; it stays open so Terraform sees a plugin
    // that supports it.
    async fn stream_stdio(
        &self,
        _req: Request<Empty>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(idle_until(&self.shutdown)))
    }
}

pub struct BrokerService {
    pub shutdown: Shutdown,
}

#[tonic::async_trait]
impl GrpcBroker for BrokerService {
    type StartStreamStream = BoxStream<ConnInfo>;

    // Terraform opens the broker stream but never brokers connections for providers.
    // Incoming messages are drained so the peer never blocks on flow control.
    async fn start_stream(
        &self,
        req: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        let mut inbound = req.into_inner();
        let stop = self.shutdown.wait();
        tokio::spawn(async move {
            tokio::select! {
                _ = async { while let Ok(Some(_)) = inbound.message().await {} } => {}
                _ = stop => {}
            }
        });
        Ok(Response::new(idle_until(&self.shutdown)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn health_reports_plugin_serving() {
        let h = HealthService {
            shutdown: Shutdown::new(),
        };
        let r = h
            .check(Request::new(HealthCheckRequest {
                service: "plugin".into(),
            }))
            .await
            .unwrap();
        assert_eq!(r.get_ref().status, ServingStatus::Serving as i32);
        let r = h
            .check(Request::new(HealthCheckRequest {
                service: "other".into(),
            }))
            .await
            .unwrap();
        assert_eq!(r.get_ref().status, ServingStatus::ServiceUnknown as i32);
    }

    #[tokio::test]
    async fn streams_end_at_shutdown() {
        use futures::StreamExt;
        let s = Shutdown::new();
        let stdio = StdioService {
            shutdown: s.clone(),
        };
        let mut stream = stdio
            .stream_stdio(Request::new(Empty {}))
            .await
            .unwrap()
            .into_inner();
        let c = ControllerService {
            shutdown: s.clone(),
        };
        c.shutdown(Request::new(Empty {})).await.unwrap();
        let next = tokio::time::timeout(std::time::Duration::from_secs(1), stream.next())
            .await
            .expect("stream ends promptly");
        assert!(next.is_none());
        assert!(s.is_triggered());
    }
}
