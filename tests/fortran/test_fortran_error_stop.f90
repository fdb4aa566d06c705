! Documented behaviour without `stat`: an error prints a message naming the procedure and the
! C library's detail on error_unit, then `error stop 1`. check_error_stop.py runs this program and
! checks the exit code and the message; reaching the last line would be a failure.
program test_fortran_error_stop
  use, intrinsic :: iso_c_binding, only: c_double
  use, intrinsic :: iso_fortran_env, only: output_unit
  use voigtspin
  implicit none
  type(vs_elastic_t) :: el
  write (output_unit, '(a)') 'before the failing call'
  flush (output_unit)
  call el%create_lame(1.0_c_double, -1.0_c_double)   ! negative shear modulus, no stat
  write (output_unit, '(a)') 'after the failing call'
end program test_fortran_error_stop
