/* The audio graph's two sample-by-sample loops, compiled: a loop over samples with state carried
 * from one to the next is a recursion, not a vector operation, and in Python it would cost a
 * hundred times more. The live graph runs them on 4 ms blocks from the device callback; the
 * import's measures run the biquads over whole takes. (SciPy's sosfilt and pedalboard's JUCE
 * compressor did these jobs, and brought 70 MB and 21 MB into the bundle for one loop each.)
 *
 * filter_rows(sos, rows, state): the biquad cascade, direct form II transposed, float64, in place.
 *   sos    (sections, 6) float64, C order: b0 b1 b2 a0 a1 a2, a0 == 1
 *   rows   (channels, n) float64, C order, writable
 *   state  (channels, sections, 2) float64, C order, writable: carried to the next call
 * The same arithmetic in the same order as SciPy's sosfilt: the output equals it bit for bit.
 *
 * compress_rows(rows, envelope, threshold_db, ratio, attack_ms, release_ms, rate): a feed-forward
 * compressor with a hard knee, float32, in place: the signal's magnitude through a peak follower
 * (attack when rising, release when falling), and above the threshold a gain of
 * (envelope / threshold) ^ (1/ratio − 1). This is JUCE's dsp::Compressor (as pedalboard ran it),
 * constants computed as it computes them, so the output equals pedalboard's sample for sample.
 *   rows      (channels, n) float32, C order, writable
 *   envelope  (channels,) float32, writable: the follower's state, carried to the next call
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

static int take(PyObject *obj, Py_buffer *view, int ndim, int writable, const char *name, const char *format,
                Py_ssize_t itemsize)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    if (view->ndim != ndim || view->itemsize != itemsize || view->format == NULL || strcmp(view->format, format) != 0) {
        PyErr_Format(PyExc_TypeError, "%s must be a C-ordered %s array of %d dimensions", name,
                     itemsize == 8 ? "float64" : "float32", ndim);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static PyObject *filter_rows(PyObject *self, PyObject *args)
{
    PyObject *sos_obj, *rows_obj, *state_obj;
    Py_buffer sos, rows, state;
    if (!PyArg_ParseTuple(args, "OOO", &sos_obj, &rows_obj, &state_obj))
        return NULL;
    if (take(sos_obj, &sos, 2, 0, "sos", "d", 8) < 0)
        return NULL;
    if (take(rows_obj, &rows, 2, 1, "rows", "d", 8) < 0) {
        PyBuffer_Release(&sos);
        return NULL;
    }
    if (take(state_obj, &state, 3, 1, "state", "d", 8) < 0) {
        PyBuffer_Release(&sos);
        PyBuffer_Release(&rows);
        return NULL;
    }
    Py_ssize_t sections = sos.shape[0], channels = rows.shape[0], n = rows.shape[1];
    PyObject *result = NULL;
    if (sos.shape[1] != 6) {
        PyErr_SetString(PyExc_ValueError, "sos must be (sections, 6)");
        goto done;
    }
    if (state.shape[0] != channels || state.shape[1] != sections || state.shape[2] != 2) {
        PyErr_Format(PyExc_ValueError, "state must be (channels, sections, 2) = (%zd, %zd, 2)", channels, sections);
        goto done;
    }
    const double *c = (const double *)sos.buf;
    double *x = (double *)rows.buf, *z = (double *)state.buf;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t ch = 0;
    /* Two channels side by side: each sample's recursion waits on the one before, so one channel
     * alone leaves the processor idle between steps; two independent ones fill the gaps (about
     * twice the speed for stereo). Each channel's arithmetic is unchanged. */
    for (; ch + 1 < channels; ch += 2) {
        double *ra = x + ch * n, *rb = ra + n, *za = z + ch * sections * 2, *zb = za + sections * 2;
        for (Py_ssize_t i = 0; i < n; i++) {
            double a = ra[i], b = rb[i];
            for (Py_ssize_t s = 0; s < sections; s++) {
                const double *k = c + 6 * s;
                double *wa = za + 2 * s, *wb = zb + 2 * s;
                double oa = k[0] * a + wa[0], ob = k[0] * b + wb[0];
                wa[0] = k[1] * a - k[4] * oa + wa[1];
                wb[0] = k[1] * b - k[4] * ob + wb[1];
                wa[1] = k[2] * a - k[5] * oa;
                wb[1] = k[2] * b - k[5] * ob;
                a = oa;
                b = ob;
            }
            ra[i] = a;
            rb[i] = b;
        }
    }
    for (; ch < channels; ch++) {
        double *row = x + ch * n, *zi = z + ch * sections * 2;
        for (Py_ssize_t i = 0; i < n; i++) {
            double cur = row[i];
            for (Py_ssize_t s = 0; s < sections; s++) {
                const double *k = c + 6 * s;
                double *w = zi + 2 * s;
                double out = k[0] * cur + w[0];
                w[0] = k[1] * cur - k[4] * out + w[1];
                w[1] = k[2] * cur - k[5] * out;
                cur = out;
            }
            row[i] = cur;
        }
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(rows_obj);
done:
    PyBuffer_Release(&sos);
    PyBuffer_Release(&rows);
    PyBuffer_Release(&state);
    return result;
}

static PyObject *compress_rows(PyObject *self, PyObject *args)
{
    PyObject *rows_obj, *env_obj;
    float threshold_db, ratio, attack_ms, release_ms;
    double rate;
    Py_buffer rows, env;
    if (!PyArg_ParseTuple(args, "OOffffd", &rows_obj, &env_obj, &threshold_db, &ratio, &attack_ms, &release_ms, &rate))
        return NULL;
    if (ratio < 1.0f || rate <= 0.0) {
        PyErr_SetString(PyExc_ValueError, "the ratio must be at least 1 and the rate positive");
        return NULL;
    }
    if (take(rows_obj, &rows, 2, 1, "rows", "f", 4) < 0)
        return NULL;
    if (take(env_obj, &env, 1, 1, "envelope", "f", 4) < 0) {
        PyBuffer_Release(&rows);
        return NULL;
    }
    Py_ssize_t channels = rows.shape[0], n = rows.shape[1];
    if (env.shape[0] != channels) {
        PyErr_Format(PyExc_ValueError, "envelope must hold one value per channel (%zd)", channels);
        PyBuffer_Release(&rows);
        PyBuffer_Release(&env);
        return NULL;
    }
    const double exp_factor = -2.0 * 3.141592653589793 * 1000.0 / rate;
    const float attack = attack_ms < 1.0e-3f ? 0.0f : (float)exp(exp_factor / attack_ms);
    const float release = release_ms < 1.0e-3f ? 0.0f : (float)exp(exp_factor / release_ms);
    const float threshold = threshold_db > -200.0f ? powf(10.0f, threshold_db * 0.05f) : 0.0f;
    const float threshold_inverse = 1.0f / threshold;
    const float exponent = 1.0f / ratio - 1.0f;
    float *x = (float *)rows.buf, *y = (float *)env.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t ch = 0; ch < channels; ch++) {
        float *row = x + ch * n, level = y[ch];
        for (Py_ssize_t i = 0; i < n; i++) {
            float in = row[i];
            float peak = fabsf(in);
            level = peak + (peak > level ? attack : release) * (level - peak);
            float gain = level < threshold ? 1.0f : powf(level * threshold_inverse, exponent);
            row[i] = gain * in;
        }
        y[ch] = level;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&env);
    PyBuffer_Release(&rows);
    return Py_NewRef(rows_obj);
}

static PyMethodDef methods[] = {
    {"compress_rows", compress_rows, METH_VARARGS,
     "compress_rows(rows, envelope, threshold_db, ratio, attack_ms, release_ms, rate): in place; returns rows."},
    {"filter_rows", filter_rows, METH_VARARGS,
     "filter_rows(sos, rows, state): the biquad cascade over each row, in place; returns rows."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_loops", NULL, -1, methods};

PyMODINIT_FUNC PyInit__loops(void) { return PyModule_Create(&module); }
