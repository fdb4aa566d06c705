! An external Fortran program built against the *installed* libvoigtspin_f with
! `gfortran $(pkg-config --cflags libvoigtspin_f) consumer.f90 $(pkg-config --libs libvoigtspin_f)`.
! Prints "consumer ok" when the Mandel eigenvalues of sigma = 0.35, mu = 1 are 2 mu = 2 and 3 K = 9.
program consumer
  use voigtspin
  implicit none
  type(vs_elastic_t) :: el
  real(vs_dp) :: w(6)
  integer :: st
  if (vs_version() /= VS_VERSION_NUMBER) error stop 'module and library versions differ'
  call el%create_poisson_shear(0.35_vs_dp, 1.0_vs_dp, st)
  if (st /= VS_OK) error stop 'create failed'
  call el%mandel_eigen(w=w)
  call el%free()
  if (any(abs(w(1:5) - 2.0_vs_dp) > 1e-12_vs_dp) .or. abs(w(6) - 9.0_vs_dp) > 1e-12_vs_dp) error stop 'wrong eigenvalues'
  print '(a)', 'consumer ok'
end program consumer
