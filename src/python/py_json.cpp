#include "python/py_json.hpp"

#include <string>

#include "util/big_integer.hpp"

namespace nb = nanobind;

namespace ansible_runner::python {
namespace {

std::string utf8_of(PyObject* text) {
  Py_ssize_t size = 0;
  if (const char* data = PyUnicode_AsUTF8AndSize(text, &size)) {
    return std::string(data, static_cast<size_t>(size));
  }
  PyErr_Clear(); // lone surrogates: keep them as Python's json module would write them
  nb::object bytes = nb::steal(PyUnicode_AsEncodedString(text, "utf-8", "surrogatepass"));
  if (!bytes.is_valid()) {
    throw nb::python_error();
  }
  return std::string(PyBytes_AS_STRING(bytes.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(bytes.ptr())));
}

} // namespace

Json to_json(nb::handle value) {
  PyObject* o = value.ptr();
  if (o == Py_None) {
    return nullptr;
  }
  if (PyBool_Check(o)) {
    return o == Py_True;
  }
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow == 0) {
      return v;
    }
    if (overflow > 0) {
      unsigned long long u = PyLong_AsUnsignedLongLong(o);
      if (!PyErr_Occurred()) {
        return u;
      }
      PyErr_Clear();
    }
    nb::object digits = nb::steal(PyObject_Str(o));
    if (!digits.is_valid()) {
      throw nb::python_error();
    }
    return util::big_integer(utf8_of(digits.ptr()));
  }
  if (PyFloat_Check(o)) {
    return PyFloat_AS_DOUBLE(o);
  }
  if (PyUnicode_Check(o)) {
    return utf8_of(o);
  }
  if (PyBytes_Check(o)) {
    return std::string(PyBytes_AS_STRING(o), static_cast<size_t>(PyBytes_GET_SIZE(o)));
  }
  if (PyDict_Check(o)) {
    Json out = Json::object();
    PyObject* key = nullptr;
    PyObject* item = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &key, &item)) {
      nb::object name = PyUnicode_Check(key) ? nb::borrow(key) : nb::steal(PyObject_Str(key));
      if (!name.is_valid()) {
        throw nb::python_error();
      }
      out[utf8_of(name.ptr())] = to_json(item);
    }
    return out;
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    Json out = Json::array();
    for (nb::handle item : value) {
      out.push_back(to_json(item));
    }
    return out;
  }
  nb::object text = nb::steal(PyObject_Str(o));
  if (!text.is_valid()) {
    throw nb::python_error();
  }
  return utf8_of(text.ptr());
}

nb::object to_python(const Json& value) {
  switch (value.type()) {
  case Json::value_t::null:
    return nb::none();
  case Json::value_t::boolean:
    return nb::bool_(value.get<bool>());
  case Json::value_t::number_integer:
    return nb::steal(PyLong_FromLongLong(value.get<long long>()));
  case Json::value_t::number_unsigned:
    return nb::steal(PyLong_FromUnsignedLongLong(value.get<unsigned long long>()));
  case Json::value_t::number_float:
    return nb::steal(PyFloat_FromDouble(value.get<double>()));
  case Json::value_t::binary:
    if (auto digits = util::big_integer_text(value)) {
      std::string text(*digits);
      nb::object out = nb::steal(PyLong_FromString(text.c_str(), nullptr, 10));
      if (!out.is_valid()) {
        throw nb::python_error();
      }
      return out;
    }
    return nb::none();
  case Json::value_t::string: {
    const std::string& s = value.get_ref<const std::string&>();
    nb::object out = nb::steal(PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogatepass"));
    if (!out.is_valid()) {
      throw nb::python_error();
    }
    return out;
  }
  case Json::value_t::array: {
    nb::list out;
    for (const Json& item : value) {
      out.append(to_python(item));
    }
    return out;
  }
  case Json::value_t::object: {
    nb::dict out;
    for (const auto& [key, item] : value.items()) {
      out[nb::str(key.data(), key.size())] = to_python(item);
    }
    return out;
  }
  default:
    return nb::none();
  }
}

} // namespace ansible_runner::python
