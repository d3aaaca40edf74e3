//! Burn tensors to and from the CPU backend's own tensor type.
//!
//! Burn's tensor API cannot be extended with an operation from outside a
//! backend, but flex's tensor type is public: where `B` is flex, a tensor's
//! primitive is a [`FlexTensor`] whose buffer a hand-written kernel can read
//! and write. On any other backend these answer `None`, and the caller keeps
//! Burn's tensor operations.

use std::any::Any;

use burn::module::Param;
use burn::tensor::backend::Backend;
use burn::tensor::{DType, Tensor, TensorPrimitive};
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

/// `t`'s flex tensor where it is f32, contiguous (copied once if it is a
/// strided view), for a kernel that reads it as one slice.
pub(crate) fn contiguous_f32<B: Backend, const D: usize>(t: &Tensor<B, D>) -> Option<FlexTensor> {
    let t = flex(t)?;
    if t.dtype() != DType::F32 {
        return None;
    }
    Some(if t.layout().contiguous_offsets().is_some() { t } else { t.to_contiguous() })
}

/// `t`'s values as one contiguous f32 vector, where `B` is flex.
pub(crate) fn values<B: Backend, const D: usize>(t: &Tensor<B, D>) -> Option<Vec<f32>> {
    Some(contiguous_f32(t)?.as_slice::<f32>()?.to_vec())
}

/// A layer's bias values (`Some(None)` where it has none); `None` where `B` is not flex.
pub(crate) fn bias_values<B: Backend>(bias: &Option<Param<Tensor<B, 1>>>) -> Option<Option<Vec<f32>>> {
    match bias {
        Some(b) => Some(Some(values(&b.val())?)),
        None => Some(None),
    }
}
