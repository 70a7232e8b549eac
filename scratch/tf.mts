const t0=Date.now();
const tf = await import('@tensorflow/tfjs');
await tf.setBackend('cpu'); await tf.ready();
console.log('load ms', Date.now()-t0, tf.getBackend());
const x = tf.tensor1d([1,2,3], 'float32');
const g = tf.grad((v: any) => v.square().sum())(x); g.print();
