//! Burn tensors to and from the CPU backend's own tensor type.
//!
//! Burn's tensor API cannot be extended with an operation from outside a
//! backend, but flex's tensor type is public: where `B` is flex, a tensor's
//! primitive is a [`FlexTensor`] whose buffer a hand-written kernel can read
//! and write. On any other backend these answer `None`, and the caller keeps
//! Burn's tensor operations.

use std::any::Any;

use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorPrimitive};
use burn_flex::FlexTensor;

/// `t`'s flex tensor, where `B` is flex (a cheap clone of a shared buffer).
pub(crate) fn flex<B: Backend, const D: usize>(t: &Tensor<B, D>) -> Option<FlexTensor> {
    let TensorPrimitive::Float(p) = t.clone().into_primitive() else { return None };
    (&p as &dyn Any).downcast_ref::<FlexTensor>().cloned()
}

/// `t` as a tensor of `B`, where `B` is flex.
pub(crate) fn tensor<B: Backend, const D: usize>(t: FlexTensor) -> Option<Tensor<B, D>> {
    let t: Box<dyn Any> = Box::new(t);
    let p = t.downcast::<B::FloatTensorPrimitive>().ok()?;
    Some(Tensor::from_primitive(TensorPrimitive::Float(*p)))
}
